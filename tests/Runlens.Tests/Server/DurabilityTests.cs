using System.Diagnostics;
using System.Net;
using System.Text;
using Runlens.Storage;
using Runlens.Bench.Soak;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// The server process killed with SIGKILL in the middle of a sustained ingest, 20 times: after each restart every point
/// whose batch was acknowledged is there, exactly once, and the client's retries of unacknowledged batches add nothing twice.
/// </summary>
public sealed class DurabilityTests
{
    private const int Rounds = 20;
    private const int Batch = 250;

    [Fact]
    public async Task Every_acknowledged_point_survives_twenty_sigkills()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runlens.db");
        var acknowledged = new SortedSet<long>();
        var unacknowledged = new List<int>(); // batch numbers to send again
        var next = 0;
        var random = new Random(20);
        for (var round = 0; round < Rounds; round++)
        {
            var port = ServeProcess.FreePort();
            using var server = ServeProcess.Start(store, port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilUpAsync(http, server);
            if (round == 0)
            {
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/runs", Json("""{"id": "durable"}"""))).StatusCode);
            }

            // What was acknowledged before the last kill is all there.
            await CheckAsync(http, acknowledged);

            using var kill = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                var queue = new Queue<int>(unacknowledged);
                unacknowledged.Clear();
                while (!kill.IsCancellationRequested)
                {
                    var b = queue.Count > 0 ? queue.Dequeue() : next++;
                    try
                    {
                        using var response = await http.PostAsync("/api/runs/durable/points", Json(Points(b)));
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new InvalidOperationException($"batch {b}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }

                        for (var s = (long)b * Batch; s < (b + 1L) * Batch; s++)
                        {
                            acknowledged.Add(s);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        unacknowledged.Add(b);
                        unacknowledged.AddRange(queue);
                        return;
                    }
                }
            });
            await Task.Delay(150 + random.Next(350));
            server.Kill(); // SIGKILL: no shutdown, no flush
            await server.WaitForExitAsync();
            kill.Cancel();
            await writer;
        }

        Assert.True(acknowledged.Count > Rounds * Batch, $"only {acknowledged.Count} points were acknowledged in {Rounds} rounds");
        await using var check = await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(store);
        var steps = (await check.ReadSeriesAsync("durable", "loss"))!.Points.Select(p => p.Step).ToList();
        Assert.Equal(steps.Count, steps.Distinct().Count()); // nothing twice
        Assert.Empty(acknowledged.Except(steps));             // nothing acknowledged lost
    }

    private static async Task CheckAsync(HttpClient http, SortedSet<long> acknowledged)
    {
        if (acknowledged.Count == 0)
        {
            return;
        }

        var text = await http.GetStringAsync("/api/runs/durable/series/loss");

        using var doc = System.Text.Json.JsonDocument.Parse(text);
        var stored = doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToHashSet();
        var lost = acknowledged.Count(s => !stored.Contains(s));
        Assert.True(lost == 0, $"{lost} acknowledged points are missing after the restart");
    }

    private static string Points(int b)
    {
        var steps = Enumerable.Range(0, Batch).Select(i => (long)b * Batch + i).ToList();
        return "{\"series\": [{\"key\": \"loss\", \"steps\": [" + string.Join(",", steps) + "], \"values\": [" + string.Join(",", steps.Select(s => (1.0 / (1 + s)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
            + "], \"timestamps\": [" + string.Join(",", steps.Select(s => 1_795_344_886_000 + s)) + "]}]}";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task WaitUntilUpAsync(HttpClient http, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(server.HasExited, "the server exited at start");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the server did not answer /health within 30 s");
    }


}
