using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Runlens.Server;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>
/// <c>serve-load</c>: a load generator of our own against a real Kestrel server on loopback over a SQLite store in a
/// temporary folder. Prints native ingest throughput (points/s), MLflow log-batch latency (1000 metrics per request) and
/// the latency of reading a 1,000,000-point series downsampled to 1,000 points over HTTP. Request bodies are built before
/// the clock starts, so the figures are the server's (client and server share the same 2 cores).
/// </summary>
internal static class ServerLoad
{
    public static async Task<int> RunAsync(int seconds, int clients)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-load-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            var app = RunlensServer.Build(new ServerOptions("http://127.0.0.1:0", Path.Combine(folder, "artifacts")), store);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
            Console.WriteLine($"server {address}, store {folder}/runlens.db, {Environment.ProcessorCount} cores");

            await IngestAsync(http, seconds, clients);
            await LogBatchAsync(http, "10 metrics x 100 steps", 10);
            await LogBatchAsync(http, "1000 distinct metrics x 1 step", 1000);
            await DownsampledReadAsync(http);
            await app.StopAsync();
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Native ingest: each client appends batches of 10 series × 1,000 points (10,000 points) to its own run.</summary>
    private static async Task IngestAsync(HttpClient http, int seconds, int clients)
    {
        const int Series = 10;
        const int PerSeries = 1000;
        const int Prepared = 120;
        var bodies = new byte[clients][][];
        for (var c = 0; c < clients; c++)
        {
            await Send(http, HttpMethod.Post, "/api/runs", $$"""{"id": "load-{{c}}", "experiment": "load"}""");
            bodies[c] = [.. Enumerable.Range(0, Prepared).Select(b => Encoding.UTF8.GetBytes(Columns(Series, b * PerSeries, PerSeries)))];
        }

        // warm-up: one batch per client
        for (var c = 0; c < clients; c++)
        {
            await Send(http, HttpMethod.Post, $"/api/runs/load-{c}/points", bodies[c][0]);
        }

        long points = 0;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var b = 1; b < Prepared && clock.Elapsed < deadline; b++)
            {
                await Send(http, HttpMethod.Post, $"/api/runs/load-{c}/points", bodies[c][b]);
                Interlocked.Add(ref points, Series * PerSeries);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"native ingest: {points:N0} points in {elapsed:F2} s = {points / elapsed:N0} points/s ({clients} clients, batches of {Series} series x {PerSeries} points, SQLite)"));
    }

    private static async Task LogBatchAsync(HttpClient http, string label, int keys)
    {
        var created = await Send(http, HttpMethod.Post, "/api/2.0/mlflow/runs/create", """{"experiment_id": "0", "start_time": 1795344886506}""");
        var run = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        const int Requests = 300;
        var perKey = 1000 / keys;
        var bodies = Enumerable.Range(0, Requests).Select(r =>
        {
            var metrics = new StringBuilder();
            for (var k = 0; k < keys; k++)
            {
                for (var s = 0; s < perKey; s++)
                {
                    var step = (r * perKey) + s;
                    metrics.Append(metrics.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                        $$"""{"key": "metric_{{k}}", "value": {{1.0 / (1 + step)}}, "timestamp": {{1_795_344_886_000 + step}}, "step": {{step}}}""");
                }
            }

            return Encoding.UTF8.GetBytes($$"""{"run_id": "{{run}}", "metrics": [{{metrics}}]}""");
        }).ToList();
        for (var i = 0; i < 20; i++)
        {
            await Send(http, HttpMethod.Post, "/api/2.0/mlflow/runs/log-batch", bodies[i]); // warm-up
        }

        var times = new List<double>();
        foreach (var body in bodies.Skip(20))
        {
            var clock = Stopwatch.StartNew();
            await Send(http, HttpMethod.Post, "/api/2.0/mlflow/runs/log-batch", body);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"MLflow log-batch of 1000 metrics ({label}): {Latency(times)}");
    }

    private static async Task DownsampledReadAsync(HttpClient http)
    {
        await Send(http, HttpMethod.Post, "/api/runs", """{"id": "million"}""");
        for (var b = 0; b < 100; b++)
        {
            await Send(http, HttpMethod.Post, "/api/runs/million/points", Encoding.UTF8.GetBytes(Columns(1, b * 10_000, 10_000)));
        }

        var times = new List<double>();
        var length = 0;
        for (var i = 0; i < 60; i++)
        {
            var clock = Stopwatch.StartNew();
            var text = await http.GetStringAsync("/api/runs/million/series/m0?max_points=1000");
            if (i >= 10)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            length = text.Length;
        }

        Console.WriteLine($"1,000,000 points read downsampled to 1,000 over HTTP ({length:N0} bytes of JSON): {Latency(times)}");
    }

    private static string Columns(int series, long from, int count)
    {
        var steps = string.Join(",", Enumerable.Range(0, count).Select(i => from + i));
        var times = string.Join(",", Enumerable.Range(0, count).Select(i => 1_795_344_886_000 + from + i));
        var parts = Enumerable.Range(0, series).Select(k =>
        {
            var values = string.Join(",", Enumerable.Range(0, count).Select(i => (Math.Sin((from + i) / 500.0) + (2.0 / (1 + k))).ToString("R", CultureInfo.InvariantCulture)));
            return $$"""{"key": "m{{k}}", "steps": [{{steps}}], "values": [{{values}}], "timestamps": [{{times}}]}""";
        });
        return $$"""{"series": [{{string.Join(", ", parts)}}]}""";
    }

    private static Task<string> Send(HttpClient http, HttpMethod method, string path, string json) => Send(http, method, path, Encoding.UTF8.GetBytes(json));

    private static async Task<string> Send(HttpClient http, HttpMethod method, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    }

    private static string Latency(List<double> ms)
    {
        ms.Sort();
        double At(double q) => ms[(int)Math.Min(ms.Count - 1, Math.Floor(q * ms.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.5):F2} ms, p95 {At(0.95):F2} ms, p99 {At(0.99):F2} ms over {ms.Count} requests");
    }
}
