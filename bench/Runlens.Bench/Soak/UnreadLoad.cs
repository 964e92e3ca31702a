using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Model;
using Runlens.Server;
using Runlens.Storage;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench.Soak;

/// <summary>
/// <c>unread [REQUESTS] [POINTS] [SECONDS]</c>: the unbounded-read attack. A real Kestrel server on loopback (in this
/// process) over a SQLite store holding one series of POINTS points (default 1,000,000); REQUESTS clients (default 50)
/// ask for the whole series, with no <c>max_points</c>, and ask MLflow's get-history for it with a huge
/// <c>max_results</c>, then never read the answers. Every second it prints the process' resident memory and managed heap
/// and how long a small read (a run, a reduced series) took meanwhile; then how long a whole-series read by a client that
/// does read takes while they still wait (60 s at most); then the clients go away and it prints the memory after a
/// collection.
/// </summary>
internal static class UnreadLoad
{
    public static async Task<int> RunAsync(int requests, int points, int seconds)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-unread-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            await store.CreateRunAsync(new NewRun("long", "long", null, "api", DateTimeOffset.UtcNow));
            for (var from = 0; from < points; from += 100_000)
            {
                var batch = Enumerable.Range(from, Math.Min(100_000, points - from))
                    .Select(i => new SeriesPoint(i, 1.0 / (1 + i), double.NaN, 1_700_000_000 + (i / 10.0))).ToList();
                await store.ApplyAsync("long", new RunChanges { Points = [new MetricPoints("loss", batch)] });
            }

            var app = RunlensServer.Build(new ServerOptions("http://127.0.0.1:0", Path.Combine(folder, "artifacts")), store);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Collect();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"unread: {requests} clients ask for a {points:N0}-point series (half natively without max_points, half MLflow get-history with max_results=100000000) and never read; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"before: rss {Rss():F0} MB, heap {Heap():F0} MB"));

            // one connection each, as separate clients have
            var clients = Enumerable.Range(0, requests).Select(_ => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 })
            { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan }).ToList();
            var pending = clients.Select((c, i) => c.GetAsync(i % 2 == 0 ? "/api/runs/long/series/loss"
                : "/api/2.0/mlflow/metrics/get-history?run_id=long&metric_key=loss&max_results=100000000", HttpCompletionOption.ResponseHeadersRead)).ToList();
            using var probe = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            Console.WriteLine("second  rss_MB  heap_MB  answers_started  small_read_ms  reduced_read_ms");
            double peak = 0;
            var slowest = 0.0;
            for (var s = 1; s <= seconds; s++)
            {
                await Task.Delay(1000);
                var small = await TimeAsync(probe, "/api/runs/long");
                var reduced = await TimeAsync(probe, "/api/runs/long/series/loss?max_points=1000");
                peak = Math.Max(peak, Rss());
                slowest = Math.Max(slowest, Math.Max(small, reduced));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s,6}  {Rss(),6:F0}  {Heap(),7:F0}  {pending.Count(p => p.IsCompleted),15}  {small,13:F1}  {reduced,15:F1}"));
            }

            // A client that reads: the whole series, while the others still hold their requests unread.
            string whole;
            using (var reader = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) })
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await reader.GetAsync("/api/runs/long/series/loss");
                    var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
                    whole = string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms (status {(int)response.StatusCode}, {bytes / 1048576.0:F0} MB)");
                }
                catch (TaskCanceledException)
                {
                    whole = "no answer in 60 s (every turn held by a client that does not read)";
                }
            }

            Console.WriteLine($"a whole-series read by a client that reads, meanwhile: {whole}; answers started or ended by then: {pending.Count(p => p.IsCompleted)} of {requests}");
            foreach (var c in clients)
            {
                c.Dispose();
            }

            await Task.Delay(2000);
            Collect();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak rss {peak:F0} MB; slowest small read while they waited {slowest:F0} ms; after the clients left: rss {Rss():F0} MB, heap {Heap():F0} MB"));
            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> TimeAsync(HttpClient http, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static double Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }

    private static double Heap() => GC.GetTotalMemory(false) / 1048576.0;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
