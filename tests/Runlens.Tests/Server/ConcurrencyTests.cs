using System.Diagnostics;
using System.Globalization;
using System.Text;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>32 clients writing through one server for 30 s, on each backend: no errors, no lost and no duplicated points,
/// even though every fifth batch is sent twice (a client retry) and all of them also write one shared run.</summary>
public sealed class ConcurrencyTests
{
    public static TheoryData<string> Backends() => Storage.RunStoreContract.Backends();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Thirty_two_writers_for_thirty_seconds_lose_and_duplicate_nothing(string backend)
    {
        await using var server = await TestServer.StartAsync(backend);
        const int Writers = 32;
        const int Batch = 200;
        var duration = TimeSpan.FromSeconds(30);
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "shared"}""");
        var sent = new int[Writers];
        var clock = Stopwatch.StartNew();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var (status, _) = await server.CallAsync(HttpMethod.Post, "/api/runs", $$"""{"id": "w{{w}}", "experiment": "load"}""");
            if (status != 201)
            {
                errors.Add($"w{w} create: {status}");
            }

            for (var b = 0; clock.Elapsed < duration; b++)
            {
                var body = Body("loss", b * Batch, Batch);
                for (var attempt = 0; attempt < (b % 5 == 0 ? 2 : 1); attempt++)
                {
                    using var response = await server.Http.PostAsync($"/api/runs/w{w}/points", new StringContent(body, Encoding.UTF8, "application/json"));
                    if (!response.IsSuccessStatusCode)
                    {
                        errors.Add($"w{w} batch {b}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }

                // the shared run gets 10 points per batch, in a step range of this writer's own
                using var shared = await server.Http.PostAsync("/api/runs/shared/points",
                    new StringContent(Body("loss", (w * 1_000_000) + (b * 10), 10), Encoding.UTF8, "application/json"));
                if (!shared.IsSuccessStatusCode)
                {
                    errors.Add($"w{w} shared {b}: {(int)shared.StatusCode}");
                }

                sent[w] = b + 1;
            }
        })));

        Assert.Empty(errors);
        for (var w = 0; w < Writers; w++)
        {
            var steps = (await server.Store.ReadSeriesAsync($"w{w}", "loss"))!.Points.Select(p => p.Step).ToList();
            Assert.Equal(Enumerable.Range(0, sent[w] * Batch).Select(i => (long)i), steps);
        }

        var sharedSteps = (await server.Store.ReadSeriesAsync("shared", "loss"))!.Points.Select(p => p.Step).Order().ToList();
        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, sent[w] * 10).Select(i => (w * 1_000_000L) + i)).Order().ToList();
        Assert.Equal(expected, sharedSteps);
        Assert.True(sent.Sum() > Writers * 5, $"only {sent.Sum()} batches in 30 s");
    }

    private static string Body(string key, long from, int count)
    {
        var steps = Enumerable.Range(0, count).Select(i => from + i).ToList();
        return "{\"series\": [{\"key\": \"" + key + "\", \"steps\": [" + string.Join(",", steps) + "], \"values\": ["
            + string.Join(",", steps.Select(s => (1.0 / (1 + s)).ToString("R", CultureInfo.InvariantCulture))) + "], \"timestamps\": ["
            + string.Join(",", steps.Select(s => 1_795_344_886_000 + s)) + "]}]}";
    }
}
