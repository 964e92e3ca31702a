using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runlens.Bench.Soak;

/// <summary>
/// <c>multi [SECONDS] [WRITERS] [SERVERS] [KILL-EVERY-S] [--pg CONNECTION]</c>: the bigger version of the multi-server
/// test. SERVERS real <c>runlens serve</c> processes on one PostgreSQL (a fresh schema, dropped at the end; the connection
/// from <c>--pg</c> or <c>RUNLENS_TEST_PG</c>) sharing one artifact folder; WRITERS writers, each its own run, every batch
/// sent to the next server and retried on another when it fails; server 0 killed with SIGKILL every KILL-EVERY-S seconds
/// and restarted. Prints the acknowledged points and their rate, batch latency percentiles, retries, restart times, and
/// then, read back through the servers, the acknowledged points lost or duplicated, and how many diagnoses read through
/// one server missed a point just written through another (a stale diagnosis).
/// </summary>
internal static class MultiServerLoad
{
    private const int Batch = 100;
    private const int StaleChecks = 30;

    public static async Task<int> RunAsync(int seconds, int writers, int servers, int killEvery, string? pg)
    {
        pg ??= Environment.GetEnvironmentVariable("RUNLENS_TEST_PG");
        if (string.IsNullOrEmpty(pg))
        {
            Console.Error.WriteLine("multi: no PostgreSQL; pass --pg \"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\" or set RUNLENS_TEST_PG");
            return 2;
        }

        var schema = "bench_multi_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(pg, $"CREATE SCHEMA {schema}");
        var store = pg + $";Search Path={schema}";
        var artifacts = Directory.CreateTempSubdirectory("runlens-multi-").FullName;
        var ports = Enumerable.Range(0, servers).Select(_ => ServeProcess.FreePort()).ToArray();
        var processes = new Process[servers];
        var clients = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}"), Timeout = TimeSpan.FromSeconds(30) }).ToArray();
        try
        {
            for (var s = 0; s < servers; s++)
            {
                processes[s] = ServeProcess.Start(store, ports[s], "--artifacts", artifacts);
            }

            foreach (var c in clients)
            {
                await ServeProcess.WaitUntilUpAsync(c, TimeSpan.FromSeconds(120));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"multi: {servers} runlens serve processes on one PostgreSQL (schema {schema}), {writers} writers of {Batch}-point batches for {seconds} s, server 0 killed (SIGKILL) every {killEvery} s; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
            for (var w = 0; w < writers; w++)
            {
                using var created = await clients[w % servers].PostAsync("/api/runs", Json($$"""{"id": "w{{w}}", "experiment": "multi"}"""));
                created.EnsureSuccessStatusCode();
            }

            var acknowledged = new long[writers];
            var latency = new LatencyLog("batch");
            long retries = 0;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var clock = Stopwatch.StartNew();
            var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var b = 0; !stop.IsCancellationRequested; b++)
                {
                    for (var attempt = 0; ; attempt++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            using var response = await clients[(w + b + attempt) % servers].PostAsync($"/api/runs/w{w}/points", Json(Points(b)));
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                latency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                                acknowledged[w] = (b + 1L) * Batch;
                                break;
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                        }

                        Interlocked.Increment(ref retries);
                        await Task.Delay(50);
                    }
                }
            })).ToArray();

            var restarts = new List<double>();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(killEvery), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                processes[0].Kill();
                await processes[0].WaitForExitAsync();
                processes[0].Dispose();
                var down = Stopwatch.StartNew();
                processes[0] = ServeProcess.Start(store, ports[0], "--artifacts", artifacts);
                await ServeProcess.WaitUntilUpAsync(clients[0], TimeSpan.FromSeconds(120));
                restarts.Add(down.Elapsed.TotalSeconds);
            }

            await Task.WhenAll(writing);
            var elapsed = clock.Elapsed.TotalSeconds;
            var total = acknowledged.Sum();
            var (count, p50, p95, p99, max, _) = latency.Take();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"written: {total:N0} points acknowledged in {count:N0} batches, {total / elapsed:N0} points/s; batch ms p50/p95/p99/max {p50:F1}/{p95:F1}/{p99:F1}/{max:F0}; {retries:N0} attempts retried on another server"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kills: {restarts.Count}, restart to /health answering: mean {(restarts.Count == 0 ? 0 : restarts.Average()):F1} s, max {(restarts.Count == 0 ? 0 : restarts.Max()):F1} s"));

            // every writer's run read back through another server than most of its batches went to
            long lost = 0, duplicated = 0;
            for (var w = 0; w < writers; w++)
            {
                using var doc = JsonDocument.Parse(await clients[(w + 1) % servers].GetStringAsync($"/api/runs/w{w}/series/loss"));
                var steps = doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
                var distinct = steps.ToHashSet();
                duplicated += steps.Count - distinct.Count;
                lost += Enumerable.Range(0, (int)acknowledged[w]).Count(s => !distinct.Contains(s));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read back through another server: {lost} acknowledged points lost, {duplicated} duplicated"));

            // a point written through one server, the diagnosis read at once through another
            using (var created = await clients[0].PostAsync("/api/runs", Json("""{"id": "shared", "experiment": "multi"}""")))
            {
                created.EnsureSuccessStatusCode();
            }

            var stale = 0;
            for (var i = 1; i <= StaleChecks; i++)
            {
                using (var written = await clients[i % servers].PostAsync("/api/runs/shared/points",
                    Json(string.Create(CultureInfo.InvariantCulture, $$"""{"series": [{"key": "loss", "steps": [{{i}}], "values": [{{1.0 / i:R}}]}]}"""))))
                {
                    written.EnsureSuccessStatusCode();
                }

                using var diagnosis = JsonDocument.Parse(await clients[(i + 1) % servers].GetStringAsync("/api/runs/shared/diagnosis"));
                stale += diagnosis.RootElement.GetProperty("run").GetProperty("global_step").GetInt64() == i ? 0 : 1;
            }

            Console.WriteLine($"diagnoses: {stale} of {StaleChecks} read through one server right after a point was written through another were stale");
            Console.WriteLine($"load average at the end: {LoadAverage()}");
            return lost == 0 && duplicated == 0 && stale == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }

            foreach (var p in processes.Where(p => p is not null))
            {
                try
                {
                    p.Kill();
                    p.WaitForExit(10_000);
                }
                catch (InvalidOperationException)
                {
                }

                p.Dispose();
            }

            Directory.Delete(artifacts, recursive: true);
            await ExecuteAsync(pg, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static string Points(int b)
    {
        var sb = new StringBuilder("{\"series\": [{\"key\": \"loss\", \"steps\": [");
        for (var i = 0; i < Batch; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(((long)b * Batch) + i);
        }

        sb.Append("], \"values\": [");
        for (var i = 0; i < Batch; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append((1.0 / (1 + ((long)b * Batch) + i)).ToString("R", CultureInfo.InvariantCulture));
        }

        return sb.Append("]}]}").ToString();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");




    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
