using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>Runlens' own API (docs/api.md) against a real server on a loopback port.</summary>
public sealed class NativeApiTests
{
    private static string Columns(string key, int from, int count, Func<int, string> value) =>
        $$"""{"key": "{{key}}", "steps": [{{string.Join(",", Enumerable.Range(from, count))}}], "values": [{{string.Join(",", Enumerable.Range(from, count).Select(value))}}], "timestamps": [{{string.Join(",", Enumerable.Range(from, count).Select(i => 1_795_344_886_000L + (i * 100)))}}]}""";

    [Fact]
    public async Task A_run_created_and_fed_in_retried_batches_reads_back_once_raw_and_downsampled()
    {
        await using var server = await TestServer.StartAsync();
        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "live-1", "name": "bert-lr3e-5", "experiment": "sweep", "config": {"learning_rate": 3e-5, "optim": "adamw"}, "tags": {"owner": "ana"}}""");
        Assert.Equal((201, "live-1", true), (status, body.GetProperty("id").GetString(), body.GetProperty("created").GetBoolean()));
        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "live-1", "name": "bert-lr3e-5"}""");
        Assert.Equal((200, false), (status, body.GetProperty("created").GetBoolean())); // a retried create

        static string Loss(int i) => i == 40_000 ? "\"NaN\"" : i == 12_345 ? "9.5" : (2.0 / (1 + (i / 1000.0))).ToString("R", CultureInfo.InvariantCulture);
        for (var b = 0; b < 50; b++)
        {
            var json = $$"""{"series": [{{Columns("loss", b * 1000, 1000, Loss)}}]}""";
            (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/live-1/points", json);
            Assert.Equal((200, 1000L), (status, body.GetProperty("added").GetInt64()));
            (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/live-1/points", json); // the client retries
            Assert.Equal((200, 1000L, 0L), (status, body.GetProperty("received").GetInt64(), body.GetProperty("added").GetInt64()));
        }

        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/live-1/points", """{"points": [{"key": "eval_loss", "step": 1000, "value": 0.9, "timestamp": 1795344886000, "epoch": 0.5}, {"key": "eval_loss", "step": 2000, "value": 0.8}]}""");
        Assert.Equal(2, body.GetProperty("added").GetInt64());

        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/live-1/series");
        Assert.Equal(["train/loss=loss:50000", "val/loss=eval_loss:2"],
            body.GetProperty("series").EnumerateArray().Select(s => $"{s.GetProperty("key").GetString()}={s.GetProperty("name").GetString()}:{s.GetProperty("count").GetInt64()}"));

        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/live-1/series/train/loss");
        Assert.Equal(50_000, body.GetProperty("steps").GetArrayLength());
        Assert.Equal(Enumerable.Range(0, 50_000).Select(i => (long)i), body.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal("NaN", body.GetProperty("values")[40_000].GetString());
        Assert.Equal(1_795_344_886_000L + (49_999 * 100), body.GetProperty("timestamps")[49_999].GetInt64());

        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/live-1/series/loss?max_points=200");
        var steps = body.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        Assert.InRange(steps.Count, 10, 201);
        Assert.Contains(12_345L, steps); // the spike
        Assert.Contains(40_000L, steps); // the NaN
        Assert.Equal((0L, 49_999L), (steps[0], steps[^1]));

        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs/live-1");
        Assert.Equal(("bert-lr3e-5", "sweep", "running", "3e-5", "ana"), (body.GetProperty("name").GetString(), body.GetProperty("experiment").GetString(),
            body.GetProperty("status").GetString(), body.GetProperty("config").GetProperty("learning_rate").GetString(), body.GetProperty("tags").GetProperty("owner").GetString()));
        Assert.Equal(49_999, body.GetProperty("metrics").GetProperty("loss").GetProperty("step").GetInt64());
    }

    [Fact]
    public async Task Bad_batches_name_the_entry_and_store_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await server.CallAsync(HttpMethod.Post, "/api/runs", """{"id": "r"}""");
        (string Json, string Message)[] cases =
        [
            ("""{"series": [{"key": "loss", "steps": [1, 2], "values": [0.5]}]}""", "series[0]: 2 steps but 1 values; give one value per step"),
            ("""{"series": [{"key": "loss", "steps": [1, 2.5], "values": [0.5, 0.4]}]}""", "series[0].steps[1]: expected an integer, got 2.5"),
            ("""{"points": [{"key": "loss", "step": 1, "value": 0.5}, {"key": "loss", "step": 2, "value": "high"}]}""", "points[1].value: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got \"high\""),
            ("""{"points": [{"step": 1, "value": 0.5}]}""", "points[0]: 'key' is missing"),
            ("""{"points": {"key": "loss"}}""", "points: expected an array, got object"),
        ];
        foreach (var (json, message) in cases)
        {
            var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/r/points", json);
            Assert.Equal((400, "INVALID_PARAMETER_VALUE", message), (status, body.GetProperty("error_code").GetString(), body.GetProperty("message").GetString()));
        }

        var (s, b) = await server.CallAsync(HttpMethod.Post, "/api/runs/nope/points", """{"points": [{"key": "loss", "step": 1, "value": 0.5}]}""");
        Assert.Equal((404, "Run 'nope' not found"), (s, b.GetProperty("message").GetString()));
        (s, b) = await server.CallAsync(HttpMethod.Post, "/api/runs/r/points", """{"points": [""");
        Assert.Equal(400, s);
        (s, b) = await server.CallAsync(HttpMethod.Put, "/api/runs/r/config", """{"nested": {"a": 1}}""");
        Assert.Equal(400, s);
        Assert.Empty(await server.Store.ListSeriesAsync("r"));
        Assert.Empty((await server.Store.GetRecordAsync("r"))!.Params);
    }

    [Fact]
    public async Task Status_events_predictions_and_search_and_the_diagnosis_is_the_clis_json()
    {
        await using var server = await TestServer.StartAsync();
        foreach (var (id, lr) in new[] { ("a", "0.1"), ("b", "0.001") })
        {
            await server.CallAsync(HttpMethod.Post, "/api/runs", "{\"id\": \"" + id + "\", \"experiment\": \"sweep\", \"config\": {\"learning_rate\": " + lr + "}}");
            // validation loss falls then rises: overfitting from step 3,000
            static string Val(int i) => (1.0 + (Math.Pow((i / 1000.0) - 3, 2) / 10)).ToString("R", CultureInfo.InvariantCulture);
            static string Train(int i) => (2.0 / (1 + (i / 1000.0))).ToString("R", CultureInfo.InvariantCulture);
            var evalSteps = "\"steps\": [" + string.Join(",", Enumerable.Range(0, 11).Select(i => i * 1000)) + "]";
            var evalSeries = Columns("eval_loss", 0, 11, i => Val(i * 1000)).Replace("\"steps\": [0,1,2,3,4,5,6,7,8,9,10]", evalSteps, StringComparison.Ordinal);
            await server.CallAsync(HttpMethod.Post, $"/api/runs/{id}/points", "{\"series\": [" + evalSeries + ", " + Columns("loss", 0, 10_001, Train) + "]}");
        }

        var (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/a/status", """{"status": "failed", "end_time": 1795344999000}""");
        Assert.Equal(200, status);
        (status, _) = await server.CallAsync(HttpMethod.Post, "/api/runs/a/events", """{"events": [{"kind": "error", "message": "CUDA out of memory. Tried to allocate 2.00 GiB", "step": 10000}]}""");
        Assert.Equal(200, status);
        (status, body) = await server.CallAsync(HttpMethod.Post, "/api/runs/a/status", """{"status": "exploded"}""");
        Assert.Equal(400, status);

        var csv = new StringBuilder("label,prediction\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 4 == 0 ? "cat" : "dog")},{(i % 8 == 0 ? "cat" : "dog")}\n");
        }

        (status, body) = await server.CallAsync(HttpMethod.Put, "/api/runs/b/predictions?format=csv", csv.ToString(), "text/csv");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("classification, 200 examples, 2 classes", body.GetProperty("summary").GetString());
        (status, body) = await server.CallAsync(HttpMethod.Put, "/api/runs/b/predictions?format=csv", "label,prediction\n", "text/csv");
        Assert.Equal(400, status);
        Assert.Contains("no rows after the header", body.GetProperty("message").GetString());

        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs?experiment=sweep&filter=" + Uri.EscapeDataString("params.learning_rate = '0.1' and attributes.status = 'FAILED'"));
        Assert.Equal(["a"], body.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs?order_by=params.learning_rate%20ASC&limit=1");
        Assert.Equal((2, "b", 1L), (body.GetProperty("total").GetInt32(), body.GetProperty("runs")[0].GetProperty("id").GetString(), body.GetProperty("next_offset").GetInt64()));
        (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs?filter=" + Uri.EscapeDataString("metrics.loss <<< 1"));
        Assert.Equal(400, status);

        // The diagnosis over HTTP is what the CLI renders for the same stored run (with the same predictions).
        foreach (var id in new[] { "a", "b" })
        {
            using var response = await server.Http.GetAsync($"/api/runs/{id}/diagnosis");
            var text = await response.Content.ReadAsStringAsync();
            var served = JsonDocument.Parse(text).RootElement;
            var run = (await server.Store.GetRunAsync(id))!;
            Assert.Contains("overfitting", served.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
            if (id == "a")
            {
                Assert.Contains("failed-run", served.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));
                using var cli = new MemoryStream();
                Renderers.For("json").Render([new Diagnoser().Diagnose(run)], cli);
                Assert.Equal(Encoding.UTF8.GetString(cli.ToArray()), text);
            }
            else
            {
                Assert.Contains("\"accuracy\"", text, StringComparison.Ordinal); // the predictions' metrics are in the diagnosis
            }
        }
    }
}
