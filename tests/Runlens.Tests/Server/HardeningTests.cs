using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// The server's findings from being attacked and loaded as an outsider would: artifact links that lead out of the root,
/// active content in artifacts, unbounded reads, an overflow, 500s that must be 400s, endless paging, and the smaller
/// ones (read-only searches, reads that wrote, 1e400, /health's methods, long URLs). Each test failed before its fix.
/// </summary>
public sealed class HardeningTests
{
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts/";
    private const string Api = "/api/2.0/mlflow/";

    [Fact]
    public async Task A_link_whose_target_climbs_through_a_link_that_leads_outside_is_refused_for_every_operation()
    {
        await using var server = await TestServer.StartAsync();
        var outside = Path.Combine(server.Folder, "outside");
        Directory.CreateDirectory(Path.Combine(outside, "a"));
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "base"), Path.Combine(outside, "a"));
        File.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "esc"), "base/../secret.txt");     // the text says root/secret.txt
        Directory.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "escdir"), "base/..");       // the text says the root

        using (var read = await server.Http.GetAsync(Artifacts + "esc"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
            Assert.DoesNotContain("secret", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (status, body) = await server.CallAsync(HttpMethod.Get, Artifacts.TrimEnd('/') + "?path=escdir");
        Assert.Equal(400, status);
        Assert.DoesNotContain("secret.txt", body.ToString(), StringComparison.Ordinal);
        (status, _) = await server.CallAsync(HttpMethod.Put, Artifacts + "escdir/planted.txt", "x", "text/plain");
        Assert.Equal(400, status);
        Assert.False(File.Exists(Path.Combine(outside, "planted.txt")));
        (status, _) = await server.CallAsync(HttpMethod.Delete, Artifacts + "escdir/secret.txt");
        Assert.Equal(400, status);
        Assert.True(File.Exists(Path.Combine(outside, "secret.txt")));

        // a link that stays inside still works
        File.WriteAllText(Path.Combine(server.ArtifactRoot, "inside.txt"), "fine");
        File.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "alias"), "inside.txt");
        Assert.Equal("fine", await server.Http.GetStringAsync(Artifacts + "alias"));
    }

    [Fact]
    public async Task An_uploaded_html_artifact_is_served_as_text_that_runs_nothing_and_every_answer_says_nosniff_with_a_policy()
    {
        await using var server = await TestServer.StartAsync();
        var (status, _) = await server.CallAsync(HttpMethod.Put, Artifacts + "0/run/report.html", "<script>fetch('/api/runs')</script>", "text/html");
        Assert.Equal(200, status);
        using var download = await server.Http.GetAsync(Artifacts + "0/run/report.html");
        Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", string.Join(",", download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("sandbox", string.Join(",", download.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);

        foreach (var path in (string[])["/", "/api/runs", "/no/such/page"])
        {
            using var page = await server.Http.GetAsync(path);
            Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("default-src 'self'", string.Join(",", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_history_serves_at_most_a_page_of_25000_points_whatever_max_results_asks_and_pages_cover_the_series_once()
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new NewRun("long", "long", null, "api", DateTimeOffset.UtcNow));
        await server.Store.ApplyAsync("long", new RunChanges { Points = [new MetricPoints("loss", Points(60_000))] });

        var steps = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            var (status, body) = await server.CallAsync(HttpMethod.Get, $"{Api}metrics/get-history?run_id=long&metric_key=loss&max_results=1000000"
                + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)));
            Assert.Equal(200, status);
            var metrics = body.GetProperty("metrics");
            Assert.True(metrics.GetArrayLength() <= 25_000, $"a page of {metrics.GetArrayLength()} points");
            steps.AddRange(metrics.EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
            token = body.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 60_000).Select(i => (long)i), steps);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Get_history_refuses_a_page_of_no_points_instead_of_paging_forever(int max)
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new NewRun("r", "r", null, "api", DateTimeOffset.UtcNow));
        await server.Store.ApplyAsync("r", new RunChanges { Points = [new MetricPoints("loss", Points(10))] });
        var (status, body) = await server.CallAsync(HttpMethod.Get, $"{Api}metrics/get-history?run_id=r&metric_key=loss&max_results={max}");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (status, body.GetProperty("error_code").GetString()));
    }

    [Fact]
    public async Task Get_history_bulk_interval_thins_a_series_of_900000_steps_without_overflowing()
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new NewRun("huge", "huge", null, "api", DateTimeOffset.UtcNow));
        await server.Store.ApplyAsync("huge", new RunChanges { Points = [new MetricPoints("loss", Points(900_000))] });
        var (status, body) = await server.CallAsync(HttpMethod.Get, $"{Api}metrics/get-history-bulk-interval?run_ids=huge&metric_key=loss");
        Assert.Equal(200, status);
        var steps = body.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()).ToList();
        Assert.Equal(2500, steps.Count);
        Assert.Equal((0L, 899_999L), (steps[0], steps[^1]));
        Assert.Equal(steps.Order(), steps);
        Assert.Equal((long)Math.Round(1249 * 899_999 / 2499.0), steps[1249]);
    }

    [Fact]
    public async Task A_streamed_series_answer_has_the_bytes_of_the_typed_answer_and_covers_every_point_of_a_long_series()
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new NewRun("s", "s", null, "api", DateTimeOffset.UtcNow));
        var points = Points(150_000).Select((p, i) => i == 7 ? p with { Value = double.NaN, WallTime = double.NaN } : p).ToList();
        await server.Store.ApplyAsync("s", new RunChanges { Points = [new MetricPoints("loss", points)] });

        var text = await server.Http.GetStringAsync("/api/runs/s/series/loss");
        var typed = JsonSerializer.Serialize(new Runlens.Server.Contracts.SeriesPointsJson("train/loss", "loss", [.. points.Select(p => p.Step)], [.. points.Select(p => p.Value)],
            [.. points.Select(p => double.IsFinite(p.WallTime) ? Runlens.Server.Mlflow.MlflowWriter.Timestamp(p) : (long?)null)]), Runlens.Server.Contracts.ServerJsonContext.Indented.SeriesPointsJson);
        Assert.Equal(typed, text);

        // a range reduced one bucket at a time keeps the range's extremes, as the in-memory reduction does
        using var doc = JsonDocument.Parse(await server.Http.GetStringAsync("/api/runs/s/series/loss?from=1000&to=120000&max_points=500"));
        var inside = points.Where(p => p.Step is >= 1000 and <= 120_000).ToImmutableArray();
        var expected = Runlens.Analysis.Signals.Downsample.MinMax(inside, 500);
        Assert.Equal(expected.Select(p => p.Step), doc.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
    }

    [Theory]
    [InlineData(Api + "runs/create", """{"experiment_id": "0", "start_time": 253402300800000}""")]
    [InlineData(Api + "runs/create", """{"experiment_id": "0", "start_time": -62135596800001}""")]
    [InlineData(Api + "runs/update", """{"run_id": "RUN", "end_time": 253402300800000}""")]
    [InlineData("/api/runs", """{"id": "x", "start_time": 9223372036854775807}""")]
    [InlineData("/api/runs/RUN/status", """{"status": "finished", "end_time": -9223372036854775808}""")]
    [InlineData(Api + "runs/set-tag", """{"run_id": "RUN", "key": "note", "value": "\ud800"}""")]
    [InlineData(Api + "runs/log-metric", """{"run_id": "RUN", "key": "lo\udc00ss", "value": 1, "timestamp": 1}""")]
    [InlineData(Api + "runs/update", """{"run_id": "RUN", "run_name": "a\ud800b"}""")]
    [InlineData(Api + "runs/search", """{"filter": "params.x = '\udfff'"}""")]
    [InlineData("/api/runs/RUN/config", """{"lr": "\ud834"}""")]
    public async Task A_bad_time_or_text_in_a_JSON_body_is_a_400_not_a_500(string path, string json)
    {
        await using var server = await TestServer.StartAsync();
        var (_, created) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0"}""");
        var run = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var method = path.EndsWith("/config", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;
        var (status, body) = await server.CallAsync(method, path.Replace("RUN", run, StringComparison.Ordinal), json.Replace("RUN", run, StringComparison.Ordinal));
        Assert.True(status == 400, $"{status}: {body}");
        Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_body_is_a_400_that_says_where()
    {
        await using var server = await TestServer.StartAsync();
        using var content = new ByteArrayContent([.. """{"experiment_id": "0", "run_name": "a"""u8, 0xFF, 0xFE, .. "\"}"u8]);
        content.Headers.ContentType = new("application/json");
        using var response = await server.Http.PostAsync(Api + "runs/create", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8 (byte 38", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifact_faults_are_400s_that_name_the_artifact_path_and_never_the_servers_folder()
    {
        await using var server = await TestServer.StartAsync();
        File.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "loop-a"), "loop-b");
        File.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "loop-b"), "loop-a");
        var (status, body) = await server.CallAsync(HttpMethod.Get, Artifacts + "loop-a");
        Assert.Equal(400, status);

        var name = new string('n', 250);
        (status, body) = await server.CallAsync(HttpMethod.Put, Artifacts + "0/" + name, "x", "text/plain");
        Assert.True(status == 200, $"{status}: {body}"); // the upload's temporary name does not push it past the limit
        (status, body) = await server.CallAsync(HttpMethod.Put, Artifacts + "0/" + new string('n', 256), "x", "text/plain");
        Assert.Equal(400, status);

        (status, _) = await server.CallAsync(HttpMethod.Put, Artifacts + "0/file.txt", "x", "text/plain");
        Assert.Equal(200, status);
        (status, body) = await server.CallAsync(HttpMethod.Put, Artifacts + "0/file.txt/inner.txt", "x", "text/plain");
        Assert.Equal(400, status);
        Assert.Contains("0/file.txt/inner.txt", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Folder, body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_token_may_search_with_MLflows_read_only_posts_and_health_skips_auth_only_for_get()
    {
        await using var server = await TestServer.StartAsync(configure: (dir, o) =>
        {
            var file = Path.Combine(dir, "tokens.yaml");
            File.WriteAllText(file, "tokens:\n  - name: dash\n    token: \"r-0123456789abcdef\"\n    scopes: [read]\n");
            return o with { AuthFile = file };
        });
        var (status, _) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", """{"experiment_ids": ["0"]}""", token: "r-0123456789abcdef");
        Assert.Equal(200, status);
        (status, _) = await server.CallAsync(HttpMethod.Post, Api + "experiments/search", """{"max_results": 10}""", token: "r-0123456789abcdef");
        Assert.Equal(200, status);
        (status, _) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0"}""", token: "r-0123456789abcdef");
        Assert.Equal(403, status);
        (status, _) = await server.CallAsync(HttpMethod.Post, "/health", "{}");
        Assert.Equal(401, status);
        (status, _) = await server.CallAsync(HttpMethod.Get, "/health");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task A_runs_page_with_summaries_writes_nothing_to_the_store()
    {
        await using var server = await TestServer.StartAsync();
        await server.Store.CreateRunAsync(new NewRun("r", "r", null, "api", DateTimeOffset.UtcNow));
        await server.Store.ApplyAsync("r", new RunChanges { Points = [new MetricPoints("loss", Points(100))] });
        var (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs?summary=1");
        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("runs")[0].GetProperty("diagnosis").ValueKind);
        Assert.Null(await server.Store.GetBlobAsync("r", "diagnosis", "summary"));
    }

    [Theory]
    [InlineData(Api + "runs/log-metric", """{"run_id": "RUN", "key": "loss", "value": 1e400, "timestamp": 1}""")]
    [InlineData(Api + "runs/log-metric", """{"run_id": "RUN", "key": "loss", "value": "-1e400", "timestamp": 1}""")]
    [InlineData(Api + "runs/log-batch", """{"run_id": "RUN", "metrics": [{"key": "loss", "value": 1e400, "timestamp": 1, "step": 0}]}""")]
    [InlineData("/api/runs/RUN/points", """{"points": [{"key": "loss", "step": 0, "value": 1e400}]}""")]
    public async Task A_number_beyond_a_double_is_refused_instead_of_becoming_infinity(string path, string json)
    {
        await using var server = await TestServer.StartAsync();
        var (_, created) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0"}""");
        var run = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var (status, body) = await server.CallAsync(HttpMethod.Post, path.Replace("RUN", run, StringComparison.Ordinal), json.Replace("RUN", run, StringComparison.Ordinal));
        Assert.True(status == 400, $"{status}: {body}");
        Assert.Null(await server.Store.ReadSeriesAsync(run, "loss"));
    }

    [Fact]
    public async Task A_URL_longer_than_8_KB_is_a_414_with_a_JSON_body_that_says_what_to_do()
    {
        await using var server = await TestServer.StartAsync();
        var (status, body) = await server.CallAsync(HttpMethod.Get, "/api/runs?filter=" + new string('a', 9000));
        Assert.Equal((414, "URI_TOO_LONG"), (status, body.GetProperty("error_code").GetString()));
        Assert.Contains("POST body", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokens:\n  -  \n", "token #1 is empty")]
    [InlineData("tokens:\n  - token: \"w-89abcdef\"\n    scopes: [read, write]\n  -", "token #2 is empty")]
    [InlineData("!!&!e]\ntokdns:tw\n8 tr!", "not valid YAML")]
    public void A_token_file_with_an_empty_entry_or_broken_YAML_is_refused_with_where_and_why(string yaml, string expected)
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "tokens.yaml");
        File.WriteAllText(file, yaml);
        var ex = Assert.Throws<FormatException>(() => Runlens.Server.Auth.TokenFile.Load(file));
        Assert.StartsWith(file + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static List<SeriesPoint> Points(int n) =>
        [.. Enumerable.Range(0, n).Select(i => new SeriesPoint(i, 1.0 / (1 + i) + (i % 97 == 0 ? 5 : 0), double.NaN, 1_700_000_000 + (i / 10.0)))];
}
