using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Runlens.Bench.Soak;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// How a team outgrows one machine: three real <c>runlens serve</c> processes on one PostgreSQL, 64 writers spread over
/// them (each batch to the next server, retried on another when its server dies), one server killed with SIGKILL and
/// restarted again and again. Every acknowledged point is stored exactly once, and every server sees what another was
/// sent — a run, an upload, a control action, an event — at once, in its answers and in its diagnosis (no server keeps
/// a diagnosis the store has moved past).
/// </summary>
public sealed class MultiServerTests
{
    private const int Servers = 3;
    private const int Writers = 64;
    private const int Batch = 40;
    private const int Kills = 3;

    [PostgresFact]
    public async Task Three_servers_on_one_PostgreSQL_lose_nothing_across_kills_and_see_each_others_writes_at_once()
    {
        var schema = "multi_" + Guid.NewGuid().ToString("N")[..12];
        var baseConnection = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)!;
        await using (var admin = new Npgsql.NpgsqlConnection(baseConnection))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var store = baseConnection + $";Search Path={schema}";
        using var dir = new TempDir();
        var ports = Enumerable.Range(0, Servers).Select(_ => ServeProcess.FreePort()).ToArray();
        var processes = new Process[Servers];
        try
        {
            for (var s = 0; s < Servers; s++)
            {
                processes[s] = ServeProcess.Start(store, ports[s], "--artifacts", Path.Combine(dir.Path, $"artifacts-{s}"));
            }

            var clients = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}"), Timeout = TimeSpan.FromSeconds(20) }).ToArray();
            for (var s = 0; s < Servers; s++)
            {
                await ServeProcess.WaitUntilUpAsync(clients[s], TimeSpan.FromSeconds(60));
            }

            // 64 writers, each its own run, each batch to the next server; a batch whose server fails goes to another.
            for (var w = 0; w < Writers; w++)
            {
                Assert.Equal(HttpStatusCode.Created, (await clients[w % Servers].PostAsync("/api/runs", Json($$"""{"id": "w{{w}}", "experiment": "multi"}"""))).StatusCode);
            }

            var acknowledged = new ConcurrentDictionary<int, ConcurrentBag<long>>();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var bag = acknowledged.GetOrAdd(w, _ => []);
                for (var b = 0; !stop.IsCancellationRequested; b++)
                {
                    for (var attempt = 0; ; attempt++)
                    {
                        try
                        {
                            using var response = await clients[(w + b + attempt) % Servers].PostAsync($"/api/runs/w{w}/points", Json(Points(b)));
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                for (var s = (long)b * Batch; s < (b + 1L) * Batch; s++)
                                {
                                    bag.Add(s);
                                }

                                break;
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                        }

                        await Task.Delay(50);
                    }
                }
            })).ToArray();

            // server 0 killed and restarted while the writers write
            var kills = 0;
            while (kills < Kills)
            {
                await Task.Delay(1500);
                processes[0].Kill();
                await processes[0].WaitForExitAsync();
                processes[0].Dispose();
                kills++;
                processes[0] = ServeProcess.Start(store, ports[0], "--artifacts", Path.Combine(dir.Path, "artifacts-0"));
                await ServeProcess.WaitUntilUpAsync(clients[0], TimeSpan.FromSeconds(60));
            }

            stop.Cancel();
            await Task.WhenAll(writers);

            // 0 acknowledged points lost or duplicated, read through another server than most were written to
            long total = 0;
            for (var w = 0; w < Writers; w++)
            {
                using var doc = JsonDocument.Parse(await clients[(w + 1) % Servers].GetStringAsync($"/api/runs/w{w}/series/loss"));
                var steps = doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
                Assert.Equal(steps.Count, steps.Distinct().Count());
                Assert.Empty(acknowledged[w].Except(steps));
                total += acknowledged[w].Count;
            }

            Assert.True(total > Writers * Batch, $"only {total} points acknowledged");

            // what one server is sent, the others see at once: a run, its diagnosis after points, an upload, an event, a control action
            Assert.Equal(HttpStatusCode.Created, (await clients[0].PostAsync("/api/runs", Json("""{"id": "shared", "experiment": "multi"}"""))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await clients[2].GetAsync("/api/runs/shared")).StatusCode);
            await clients[1].PostAsync("/api/runs/shared/points", Json("""{"series": [{"key": "loss", "steps": [1, 2, 3], "values": [1.0, 0.8, 0.7]}]}"""));
            Assert.Equal(3, await GlobalStepAsync(clients[2], "shared"));      // diagnosed (and kept) by server 2
            await clients[0].PostAsync("/api/runs/shared/points", Json("""{"series": [{"key": "loss", "steps": [4, 5], "values": [0.6, 0.5]}]}"""));
            Assert.Equal(5, await GlobalStepAsync(clients[2], "shared"));      // not the diagnosis it kept

            var csv = new StringBuilder("label,prediction\n");
            for (var i = 0; i < 40; i++)
            {
                csv.Append(i % 2 == 0 ? "cat,cat\n" : "dog,cat\n");
            }

            Assert.DoesNotContain("\"accuracy\"", await clients[2].GetStringAsync("/api/runs/shared/diagnosis"), StringComparison.Ordinal);
            using (var upload = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))
            {
                Assert.Equal(HttpStatusCode.OK, (await clients[1].PutAsync("/api/runs/shared/predictions?format=csv", upload)).StatusCode);
            }

            Assert.Contains("\"accuracy\"", await clients[2].GetStringAsync("/api/runs/shared/diagnosis"), StringComparison.Ordinal);

            Assert.DoesNotContain("out of memory", await clients[2].GetStringAsync("/api/runs/shared/diagnosis"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await clients[0].PostAsync("/api/runs/shared/events",
                Json("""{"events": [{"kind": "error", "message": "CUDA out of memory. Tried to allocate 2.00 GiB", "step": 5}]}"""))).StatusCode);
            Assert.Contains("out of memory", await clients[2].GetStringAsync("/api/runs/shared/diagnosis"), StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.Created, (await clients[1].PostAsync("/api/runs/shared/control", Json("""{"action": "stop", "reason": "a test says stop"}"""))).StatusCode);
            Assert.Contains("a test says stop", await clients[0].GetStringAsync("/api/runs/shared/control"), StringComparison.Ordinal);
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
        finally
        {
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

            await using var admin = new Npgsql.NpgsqlConnection(baseConnection);
            await admin.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> GlobalStepAsync(HttpClient http, string id)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/runs/{id}/diagnosis"));
        return doc.RootElement.GetProperty("run").GetProperty("global_step").GetInt64();
    }

    private static string Points(int b)
    {
        var steps = Enumerable.Range(0, Batch).Select(i => ((long)b * Batch) + i).ToList();
        return "{\"series\": [{\"key\": \"loss\", \"steps\": [" + string.Join(",", steps) + "], \"values\": ["
            + string.Join(",", steps.Select(s => (1.0 / (1 + s)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
            + "], \"timestamps\": [" + string.Join(",", steps.Select(s => 1_795_344_886_000 + s)) + "]}]}";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");




}
