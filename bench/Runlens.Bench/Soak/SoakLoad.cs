using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Pipeline.Diagnosing;
using Runlens.Server;
using Runlens.Server.Hosting;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench.Soak;

/// <summary>
/// <c>soak [MINUTES] [POINTS/S] [INTERVAL-SECONDS] [RUN-POINTS]</c>: a real Kestrel server on loopback over a SQLite
/// store, in this process, fed points at a fixed rate through the native API (runs of 4 series that finish at RUN-POINTS
/// points, default 60,000, when the next one starts; short runs fill the server's diagnosis cache, which keeps at most
/// 256 runs and 4,000,000 points, within minutes) while a reader asks, in turn, for a downsampled series, an MLflow get-history page, a page of the
/// runs table with summaries, the diagnosis of the latest run and the diagnosis of a finished one. Every interval it prints the
/// process' resident memory, managed heap (now, and live after the last full collection), the runs and points the
/// diagnosis cache holds, open file descriptors, threads, garbage collections in the interval and the
/// latency percentiles of each kind of request; at the end, how each figure moved from the first half to the second.
/// </summary>
internal static class SoakLoad
{
    private const int SeriesPerRun = 4;

    public static async Task<int> RunAsync(double minutes, int pointsPerSecond, int intervalSeconds, int runPoints)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-soak-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            // the server's diagnoses, caught as the server hands them to its endpoints, so each interval can say what its cache holds
            StoredDiagnoses? diagnoses = null;
            var options = new ServerOptions("http://127.0.0.1:0", Path.Combine(folder, "artifacts"))
            {
                Endpoints = [new ServerEndpoint("/soak-none", (_, d) => diagnoses = d, _ => { })],
            };
            var app = RunlensServer.Build(options, store);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak: {minutes} min at {pointsPerSecond:N0} points/s, runs of {runPoints:N0} points, server {address} in this process, SQLite store {folder}/runlens.db, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));

            var logs = new[] { new LatencyLog("ingest"), new LatencyLog("series"), new LatencyLog("history"), new LatencyLog("runs"), new LatencyLog("diagnosis") };
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
            var state = new SoakState();
            await CreateRunAsync(http, state.Current, stop.Token);
            var writer = WriteAsync(http, state, pointsPerSecond, runPoints, logs[0], stop.Token);
            var reader = ReadAsync(http, state, logs[1..], stop.Token);
            var rows = await SampleAsync(state, diagnoses!, logs, intervalSeconds, stop.Token);
            await Task.WhenAll(writer, reader);
            Summarise(rows);
            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Sends the points due every 100 ms to the current run; a run that reached <paramref name="runPoints"/> is
    /// finished and the next one created.</summary>
    private static async Task WriteAsync(HttpClient http, SoakState state, int rate, int runPoints, LatencyLog log, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                var due = (long)(clock.Elapsed.TotalSeconds * rate) - sent;
                var perSeries = (int)(due / SeriesPerRun);
                if (perSeries <= 0)
                {
                    continue;
                }

                var body = Body(state.Step, perSeries);
                var started = Stopwatch.GetTimestamp();
                using (var response = await http.PostAsync($"/api/runs/{state.Current}/points", new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } }, stop))
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        log.Fail();
                        continue;
                    }
                }

                log.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                state.Readable = state.Current;
                sent += perSeries * SeriesPerRun;
                state.Step += perSeries;
                Interlocked.Add(ref state.Points, perSeries * SeriesPerRun);
                if (state.Step * SeriesPerRun >= runPoints)
                {
                    using (await http.PostAsync($"/api/runs/{state.Current}/status", Json("""{"status": "finished"}"""), stop))
                    {
                    }

                    state.Finished = state.Current;
                    state.Runs++;
                    state.Step = 0;
                    state.Current = $"soak-{state.Runs}";
                    await CreateRunAsync(http, state.Current, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads in turn, as people and agents do while a run trains: the latest run that has points, the runs
    /// table and the last finished run.</summary>
    private static async Task ReadAsync(HttpClient http, SoakState state, LatencyLog[] logs, CancellationToken stop)
    {
        var turn = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var kind = turn++ % 5;
                var current = state.Readable;
                var path = kind switch
                {
                    0 => $"/api/runs/{current}/series/train/loss?max_points=1000",
                    1 => $"/api/2.0/mlflow/metrics/get-history?run_id={current}&metric_key=train/loss&max_results=1000",
                    2 => "/api/runs?limit=20&summary=1",
                    3 => $"/api/runs/{current}/diagnosis",
                    _ => $"/api/runs/{state.Finished ?? state.Current}/diagnosis",
                };
                var log = logs[Math.Min(kind, 3)];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, stop);
                    if (response.IsSuccessStatusCode)
                    {
                        log.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else
                    {
                        log.Fail();
                    }
                }
                catch (HttpRequestException)
                {
                    log.Fail();
                }

                await Task.Delay(200, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task<List<SoakRow>> SampleAsync(SoakState state, StoredDiagnoses diagnoses, LatencyLog[] logs, int intervalSeconds, CancellationToken stop)
    {
        var rows = new List<SoakRow>();
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        long pointsBefore = 0;
        Console.WriteLine("minute  points/s  rss_MB  heap_MB  live_MB  cache_runs  cache_Mpoints  page_Mpoints  fds  threads  gc0  gc1  gc2  " + string.Join("  ", logs.Select(l => $"{l.Name}_ms(n p50/p95/p99/max fail)")));
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(intervalSeconds));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                process.Refresh();
                int[] gc = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                var points = Interlocked.Read(ref state.Points);
                var row = new SoakRow(clock.Elapsed.TotalMinutes, (points - pointsBefore) / (double)intervalSeconds, process.WorkingSet64 / 1048576.0,
                    GC.GetTotalMemory(false) / 1048576.0, LiveAfterFullCollection() / 1048576.0, diagnoses.Held, diagnoses.HeldPoints / 1e6, diagnoses.HeldPagePoints / 1e6,
                    Directory.GetFiles("/proc/self/fd").Length, process.Threads.Count,
                    gc[0] - gcBefore[0], gc[1] - gcBefore[1], gc[2] - gcBefore[2], [.. logs.Select(l => l.Take())]);
                (gcBefore, pointsBefore) = (gc, points);
                rows.Add(row);
                Console.WriteLine(row.Line());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return rows;
    }

    /// <summary>First half against second half of the intervals: the means, and the largest value of each half.</summary>
    private static void Summarise(List<SoakRow> rows)
    {
        if (rows.Count < 2)
        {
            return;
        }

        var (first, second) = (rows[..(rows.Count / 2)], rows[(rows.Count / 2)..]);
        string Move(string name, Func<SoakRow, double> f) => string.Create(CultureInfo.InvariantCulture,
            $"{name} mean {first.Average(f):F1} -> {second.Average(f):F1}, max {first.Max(f):F1} -> {second.Max(f):F1}");
        Console.WriteLine("first half -> second half: " + string.Join("; ", Move("rss_MB", r => r.RssMb), Move("heap_MB", r => r.HeapMb),
            Move("live_MB", r => r.LiveMb), Move("cache_runs", r => r.CacheRuns), Move("cache_Mpoints", r => r.CacheMillionPoints), Move("page_Mpoints", r => r.PageMillionPoints),
            Move("fds", r => r.Fds), Move("threads", r => r.Threads), Move("gc2/interval", r => r.Gc2),
            Move("ingest p99 ms", r => r.Latency[0].P99), Move("diagnosis p95 ms", r => r.Latency[4].P95)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at the end: {LoadAverage()}"));
    }

    /// <summary>The managed heap that survived the last full (gen 2) collection, fragmentation left out: what was live
    /// then. 0 before the first one.</summary>
    private static long LiveAfterFullCollection()
    {
        var last = new[] { GC.GetGCMemoryInfo(GCKind.FullBlocking), GC.GetGCMemoryInfo(GCKind.Background) }.MaxBy(i => i.Index);
        return last.Index == 0 ? 0 : last.HeapSizeBytes - last.FragmentedBytes;
    }

    private static Task CreateRunAsync(HttpClient http, string id, CancellationToken stop) =>
        http.PostAsync("/api/runs", Json($$"""{"id": "{{id}}", "experiment": "soak", "config": {"learning_rate": 0.001, "batch_size": 32} }"""), stop);

    /// <summary>A columns body: train/loss, val/loss, train/grad_norm and train/learning_rate for the next steps.</summary>
    private static byte[] Body(long from, int count)
    {
        var sb = new StringBuilder("{\"series\": [");
        string[] keys = ["train/loss", "val/loss", "train/grad_norm", "train/learning_rate"];
        for (var k = 0; k < keys.Length; k++)
        {
            sb.Append(k == 0 ? "" : ", ").Append("{\"key\": \"").Append(keys[k]).Append("\", \"steps\": [");
            for (var i = 0; i < count; i++)
            {
                sb.Append(i == 0 ? "" : ",").Append((from + i).ToString(CultureInfo.InvariantCulture));
            }

            sb.Append("], \"values\": [");
            for (var i = 0; i < count; i++)
            {
                var s = from + i;
                var v = k switch { 0 => 2.0 / Math.Sqrt(1 + (s / 50.0)), 1 => 2.1 / Math.Sqrt(1 + (s / 60.0)), 2 => 1 + Math.Sin(s / 7.0), _ => 1e-4 };
                sb.Append(i == 0 ? "" : ",").Append(v.ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append("]}");
        }

        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
