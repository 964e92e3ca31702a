using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// The MLflow tracking API against a real server on a loopback port, with requests shaped exactly like the captured
/// session of the real MLflow 2.12.2 client (shared/MLFLOW-WIRE.md) and the answers compared field by field with the
/// real server's (ids and clock times differ by nature and are compared by shape).
/// </summary>
public sealed class MlflowWireTests
{
    private const string Api = "/api/2.0/mlflow/";

    private static string[] Keys(JsonElement o) => [.. o.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task The_captured_client_session_gets_the_answers_the_real_server_gave()
    {
        await using var server = await TestServer.StartAsync();

        // 1. get-by-name before the experiment exists
        var (status, body) = await server.CallAsync(HttpMethod.Get, Api + "experiments/get-by-name?experiment_name=wire-demo");
        Assert.Equal(404, status);
        Assert.Equal("""{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Could not find experiment with name \u0027wire-demo\u0027"}""", JsonSerializer.Serialize(body));

        // 2. create
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "experiments/create", """{"name": "wire-demo"}""");
        Assert.Equal(200, status);
        Assert.Equal(["experiment_id"], Keys(body));
        var exp = body.GetProperty("experiment_id").GetString()!;
        Assert.Matches("^[0-9]+$", exp);

        // 3. get
        (status, body) = await server.CallAsync(HttpMethod.Get, Api + "experiments/get?experiment_id=" + exp);
        var e = body.GetProperty("experiment");
        Assert.Equal(["experiment_id", "name", "artifact_location", "lifecycle_stage", "last_update_time", "creation_time"], Keys(e));
        Assert.Equal(("wire-demo", "mlflow-artifacts:/" + exp, "active"), (e.GetProperty("name").GetString(), e.GetProperty("artifact_location").GetString(), e.GetProperty("lifecycle_stage").GetString()));
        Assert.Equal(JsonValueKind.Number, e.GetProperty("creation_time").ValueKind);

        // 4. runs/create
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/create",
            $$"""{"experiment_id": "{{exp}}", "user_id": "root", "run_name": "wire-run", "start_time": 1795344886506, "tags": [{"key": "mlflow.user", "value": "root"}, {"key": "mlflow.source.name", "value": "mlflow_wire_session.py"}, {"key": "mlflow.source.type", "value": "LOCAL"}, {"key": "mlflow.runName", "value": "wire-run"}]}""");
        Assert.Equal(200, status);
        var info = body.GetProperty("run").GetProperty("info");
        Assert.Equal(["run_uuid", "experiment_id", "run_name", "user_id", "status", "start_time", "artifact_uri", "lifecycle_stage", "run_id"], Keys(info));
        var run = info.GetProperty("run_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", run);
        Assert.Equal(run, info.GetProperty("run_uuid").GetString());
        Assert.Equal((exp, "wire-run", "root", "RUNNING", 1795344886506L, $"mlflow-artifacts:/{exp}/{run}/artifacts", "active"),
            (info.GetProperty("experiment_id").GetString(), info.GetProperty("run_name").GetString(), info.GetProperty("user_id").GetString(), info.GetProperty("status").GetString(),
             info.GetProperty("start_time").GetInt64(), info.GetProperty("artifact_uri").GetString(), info.GetProperty("lifecycle_stage").GetString()));
        Assert.Equal(["tags"], Keys(body.GetProperty("run").GetProperty("data"))); // no metrics or params: left out
        Assert.Equal(4, body.GetProperty("run").GetProperty("data").GetProperty("tags").GetArrayLength());
        Assert.Empty(Keys(body.GetProperty("run").GetProperty("inputs")));

        // 5-11. logging: every answer is {}
        string[] writes =
        [
            $$"""runs/log-parameter|{"run_uuid": "{{run}}", "key": "lr", "value": "0.01", "run_id": "{{run}}"}""",
            $$"""runs/log-batch|{"run_id": "{{run}}", "params": [{"key": "batch", "value": "32"}, {"key": "opt", "value": "adam"}]}""",
            $$"""runs/log-metric|{"run_uuid": "{{run}}", "key": "loss", "value": 1.0, "timestamp": 1795344886654, "step": 0, "run_id": "{{run}}"}""",
            $$"""runs/log-metric|{"run_uuid": "{{run}}", "key": "loss", "value": 0.5, "timestamp": 1795344886725, "step": 1, "run_id": "{{run}}"}""",
            $$"""runs/log-metric|{"run_uuid": "{{run}}", "key": "loss", "value": 0.3333333333333333, "timestamp": 1795344886791, "step": 2, "run_id": "{{run}}"}""",
            $$"""runs/log-batch|{"run_id": "{{run}}", "metrics": [{"key": "acc", "value": 0.9, "timestamp": 1795344886851, "step": 3}, {"key": "f1", "value": 0.8, "timestamp": 1795344886851, "step": 3}]}""",
            $$"""runs/log-batch|{"run_id": "{{run}}", "metrics": [{"key": "acc", "value": 0.91, "timestamp": 1795344886922, "step": 4}], "params": [{"key": "seed", "value": "7"}], "tags": [{"key": "phase", "value": "batch"}]}""",
            $$"""runs/set-tag|{"run_uuid": "{{run}}", "key": "note", "value": "hello", "run_id": "{{run}}"}""",
            $$"""runs/log-batch|{"run_id": "{{run}}", "tags": [{"key": "a", "value": "1"}]}""",
        ];
        foreach (var w in writes)
        {
            var parts = w.Split('|', 2);
            (status, body) = await server.CallAsync(HttpMethod.Post, Api + parts[0], parts[1]);
            Assert.True(status == 200, $"{parts[0]}: {status} {body}");
            Assert.Equal("{}", JsonSerializer.Serialize(body));
        }

        // 12. runs/get: latest value per metric
        (status, body) = await server.CallAsync(HttpMethod.Get, Api + $"runs/get?run_uuid={run}&run_id={run}");
        var data = body.GetProperty("run").GetProperty("data");
        Assert.Equal(["metrics", "params", "tags"], Keys(data));
        var latest = data.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => (m.GetProperty("value").GetDouble(), m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64()));
        Assert.Equal((0.91, 1795344886922L, 4L), latest["acc"]);
        Assert.Equal((0.8, 1795344886851L, 3L), latest["f1"]);
        Assert.Equal((0.3333333333333333, 1795344886791L, 2L), latest["loss"]);
        Assert.Equal(["batch=32", "lr=0.01", "opt=adam", "seed=7"], data.GetProperty("params").EnumerateArray().Select(p => p.GetProperty("key").GetString() + "=" + p.GetProperty("value").GetString()).Order());
        Assert.Equal(["a", "mlflow.runName", "mlflow.source.name", "mlflow.source.type", "mlflow.user", "note", "phase"], data.GetProperty("tags").EnumerateArray().Select(p => p.GetProperty("key").GetString()).Order());

        // 13. artifact upload (raw bytes, text/plain)
        (status, body) = await server.CallAsync(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/notes/hello.txt", "hello artifact\n", "text/plain");
        Assert.Equal((200, "{}"), (status, JsonSerializer.Serialize(body)));

        // 14. end_run
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/update", $$"""{"run_uuid": "{{run}}", "status": "FINISHED", "end_time": 1795344887235, "run_id": "{{run}}"}""");
        var runInfo = body.GetProperty("run_info");
        Assert.Equal(["run_uuid", "experiment_id", "run_name", "user_id", "status", "start_time", "end_time", "artifact_uri", "lifecycle_stage", "run_id"], Keys(runInfo));
        Assert.Equal(("FINISHED", 1795344887235L), (runInfo.GetProperty("status").GetString(), runInfo.GetProperty("end_time").GetInt64()));

        // 16. metric history, exactly
        (status, body) = await server.CallAsync(HttpMethod.Get, Api + $"metrics/get-history?run_uuid={run}&metric_key=loss&run_id={run}&max_results=25000");
        Assert.Equal("""{"metrics":[{"key":"loss","value":1,"timestamp":1795344886654,"step":0},{"key":"loss","value":0.5,"timestamp":1795344886725,"step":1},{"key":"loss","value":0.3333333333333333,"timestamp":1795344886791,"step":2}]}""",
            JsonSerializer.Serialize(body));

        // 17. get-by-name now finds it
        (status, body) = await server.CallAsync(HttpMethod.Get, Api + "experiments/get-by-name?experiment_name=wire-demo");
        Assert.Equal((200, exp), (status, body.GetProperty("experiment").GetProperty("experiment_id").GetString()));

        // 18. search with filter and order_by; then paging with max_results 1
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search",
            $$"""{"experiment_ids": ["{{exp}}"], "run_view_type": "ACTIVE_ONLY", "filter": "params.opt = 'adam'", "max_results": 10, "order_by": ["metrics.loss ASC"]}""");
        Assert.Equal(["runs"], Keys(body));
        Assert.Equal(run, body.GetProperty("runs")[0].GetProperty("info").GetProperty("run_id").GetString());
        Assert.Equal(["info", "data", "inputs"], Keys(body.GetProperty("runs")[0]));
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", $$"""{"experiment_id": "{{exp}}", "run_name": "second", "start_time": 1795344890000}""");
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", $$"""{"experiment_ids": ["{{exp}}"], "max_results": 1}""");
        // base64 of a JSON object with MLflow's offset (and, from Runlens, where the page ended): the next page follows it
        var token = body.GetProperty("next_page_token").GetString()!;
        using (var decoded = JsonDocument.Parse(Convert.FromBase64String(token)))
        {
            Assert.Equal(1, decoded.RootElement.GetProperty("offset").GetInt32());
        }

        Assert.Equal("second", body.GetProperty("runs")[0].GetProperty("info").GetProperty("run_name").GetString()); // newest start first
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", $$"""{"experiment_ids": ["{{exp}}"], "max_results": 1, "page_token": "{{token}}"}""");
        Assert.Equal(["runs"], Keys(body));
        Assert.Equal(run, body.GetProperty("runs")[0].GetProperty("info").GetProperty("run_id").GetString());
        // MLflow's own token, {"offset": 1}, too
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", $$"""{"experiment_ids": ["{{exp}}"], "max_results": 1, "page_token": "eyJvZmZzZXQiOiAxfQ=="}""");
        Assert.Equal(["runs"], Keys(body));
        Assert.Equal(run, body.GetProperty("runs")[0].GetProperty("info").GetProperty("run_id").GetString());
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", $$"""{"experiment_ids": ["{{exp}}"], "filter": "metrics.loss > 5"}""");
        Assert.Equal((200, "{}"), (status, JsonSerializer.Serialize(body))); // no hits: {} (proto3 leaves the empty list out)

        // 19. experiments/search lists ours and Default
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "experiments/search", """{"max_results": 1000, "view_type": "ACTIVE_ONLY"}""");
        Assert.Equal(["Default", "wire-demo"], body.GetProperty("experiments").EnumerateArray().Select(x => x.GetProperty("name").GetString()).Order());

        // 20-22. artifact list, a file's listing is {}, download
        (status, body) = await server.CallAsync(HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts?path={exp}%2F{run}%2Fartifacts");
        Assert.Equal("""{"files":[{"path":"notes","is_dir":true}]}""", JsonSerializer.Serialize(body));
        (status, body) = await server.CallAsync(HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts?path={exp}%2F{run}%2Fartifacts%2Fnotes");
        Assert.Equal("""{"files":[{"path":"hello.txt","is_dir":false,"file_size":15}]}""", JsonSerializer.Serialize(body));
        (status, body) = await server.CallAsync(HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts?path={exp}%2F{run}%2Fartifacts%2Fnotes%2Fhello.txt");
        Assert.Equal("{}", JsonSerializer.Serialize(body));
        using (var download = await server.Http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/notes/hello.txt"))
        {
            Assert.Equal("text/plain", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("hello artifact\n", await download.Content.ReadAsStringAsync());
        }

        // 23-25. set_terminated, delete, restore
        (status, _) = await server.CallAsync(HttpMethod.Post, Api + "runs/update", $$"""{"run_uuid": "{{run}}", "status": "FINISHED", "end_time": 1795344887300, "run_id": "{{run}}"}""");
        Assert.Equal(200, status);
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/delete", $$"""{"run_id": "{{run}}"}""");
        Assert.Equal((200, "{}"), (status, JsonSerializer.Serialize(body)));
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/search", $$"""{"experiment_ids": ["{{exp}}"], "filter": "attributes.run_name = 'wire-run'"}""");
        Assert.Equal("{}", JsonSerializer.Serialize(body)); // deleted runs are not ACTIVE_ONLY
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "value": 0.1, "timestamp": 1795344887400, "step": 9}""");
        Assert.Equal((400, $"The run {run} must be in the 'active' state. Current state is deleted."), (status, body.GetProperty("message").GetString()));
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/restore", $$"""{"run_id": "{{run}}"}""");
        Assert.Equal((200, "{}"), (status, JsonSerializer.Serialize(body)));
        (status, body) = await server.CallAsync(HttpMethod.Get, Api + $"runs/get?run_id={run}");
        Assert.Equal("active", body.GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString());

        // the same handlers answer under /ajax-api; /health and /version as the real server
        (status, body) = await server.CallAsync(HttpMethod.Get, "/ajax-api/2.0/mlflow/runs/get?run_id=" + run);
        Assert.Equal(200, status);
        Assert.Equal("OK", await server.Http.GetStringAsync("/health"));
        Assert.Equal("2.12.2", await server.Http.GetStringAsync("/version"));
    }

    [Fact]
    public async Task Errors_have_the_real_servers_codes_statuses_and_messages()
    {
        await using var server = await TestServer.StartAsync();
        var (_, created) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0", "start_time": 1795344886506}""");
        var run = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]+$", created.GetProperty("run").GetProperty("info").GetProperty("run_name").GetString()!);

        async Task Expect(int status, string code, string message, HttpMethod method, string path, string? json = null, string type = "application/json")
        {
            var (s, b) = await server.CallAsync(method, path, json, type);
            Assert.True(s == status, $"{path}: {s} {b}");
            Assert.Equal(code, b.GetProperty("error_code").GetString());
            Assert.Equal(message, b.GetProperty("message").GetString());
        }

        await Expect(404, "RESOURCE_DOES_NOT_EXIST", "Run 'doesnotexist' not found", HttpMethod.Get, Api + "runs/get?run_id=doesnotexist");
        await Expect(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'. See the API docs for more information about request parameters.",
            HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "timestamp": 1, "step": 0}""");
        await Expect(400, "INVALID_PARAMETER_VALUE", "Invalid comparator '<<<' not one of '{'>', '<', '>=', '<=', '=', '!='}",
            HttpMethod.Post, Api + "runs/search", """{"experiment_ids": ["0"], "filter": "metrics.loss <<< 1"}""");
        await Expect(400, "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of ['application/json'].",
            HttpMethod.Post, Api + "runs/log-metric", "key=loss", "application/x-www-form-urlencoded");
        await server.CallAsync(HttpMethod.Post, Api + "runs/log-parameter", $$"""{"run_id": "{{run}}", "key": "lr", "value": "0.01"}""");
        await Expect(400, "INVALID_PARAMETER_VALUE", $"Changing param values is not allowed. Param with key='lr' was already logged with value='0.01' for run ID='{run}'. Attempted logging new value '0.5'.",
            HttpMethod.Post, Api + "runs/log-parameter", $$"""{"run_uuid": "{{run}}", "key": "lr", "value": "0.5", "run_id": "{{run}}"}""");
        await Expect(400, "RESOURCE_ALREADY_EXISTS", "Experiment 'Default' already exists.", HttpMethod.Post, Api + "experiments/create", """{"name": "Default"}""");
        await Expect(404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=42 exists", HttpMethod.Get, Api + "experiments/get?experiment_id=42");
        await Expect(400, "INVALID_PARAMETER_VALUE", "Invalid value \"ten\" for parameter 'step' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
            HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "value": 1, "timestamp": 1, "step": "ten"}""");
        await Expect(404, "ENDPOINT_NOT_FOUND", "No endpoint GET /api/2.0/mlflow/nope; see docs/api.md for Runlens' API and the MLflow REST API for /api/2.0/mlflow.", HttpMethod.Get, Api + "nope");

        var (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-batch", "{\"run_id\": \"" + run + "\", \"metrics\": [");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (status, body.GetProperty("error_code").GetString()));
        Assert.StartsWith("Malformed JSON at line 1", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_log_batch_over_a_limit_or_with_one_bad_entry_stores_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var (_, created) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0"}""");
        var run = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        string Metrics(int n, string last = "1.5") =>
            string.Join(", ", Enumerable.Range(0, n).Select(i => $$"""{"key": "loss", "value": {{(i == n - 1 ? last : "0.5")}}, "timestamp": {{1795344886000 + i}}, "step": {{i}}}"""));

        var (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-batch", $$"""{"run_id": "{{run}}", "metrics": [{{Metrics(1001)}}]}""");
        Assert.Equal(400, status);
        Assert.Equal("A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.", body.GetProperty("message").GetString());
        var parameters = string.Join(", ", Enumerable.Range(0, 101).Select(i => $$"""{"key": "p{{i}}", "value": "1"}"""));
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-batch", $$"""{"run_id": "{{run}}", "params": [{{parameters}}]}""");
        Assert.Equal((400, "A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again."), (status, body.GetProperty("message").GetString()));

        // one bad value at the end of 999 good ones
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-batch", $$"""{"run_id": "{{run}}", "metrics": [{{Metrics(999, "[1]")}}], "params": [{"key": "lr", "value": "0.1"}]}""");
        Assert.Equal(400, status);
        // a body over 1 MB
        var padding = new string('x', 1_100_000);
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/set-tag", $$"""{"run_id": "{{run}}", "key": "big", "value": "{{padding}}"}""");
        Assert.Equal((413, "REQUEST_LIMIT_EXCEEDED"), (status, body.GetProperty("error_code").GetString()));
        // a bad metric name
        (status, body) = await server.CallAsync(HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "../etc/passwd", "value": 1, "timestamp": 1}""");
        Assert.Equal(400, status);

        var record = (await server.Store.GetRecordAsync(run))!;
        Assert.Empty(record.Metrics);
        Assert.Empty(record.Params);
        Assert.DoesNotContain("big", record.Tags.Keys);
    }

    [Fact]
    public async Task Artifact_paths_that_leave_the_root_are_refused_and_touch_nothing()
    {
        await using var server = await TestServer.StartAsync();
        var outside = Path.Combine(server.Folder, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(server.ArtifactRoot);
        Directory.CreateSymbolicLink(Path.Combine(server.ArtifactRoot, "link"), outside);
        string[] lists = ["..", "../outside", "a/../../outside", "/etc", "link", "link/x"];
        foreach (var path in lists)
        {
            var (status, body) = await server.CallAsync(HttpMethod.Get, "/api/2.0/mlflow-artifacts/artifacts?path=" + Uri.EscapeDataString(path));
            Assert.True(status == 400, $"{path}: {status} {body}");
            Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
        }

        var (s, _) = await server.CallAsync(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/link/escaped.txt", "x", "text/plain");
        Assert.Equal(400, s);
        (s, _) = await server.CallAsync(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/a%2F..%2F..%2Fescaped.txt", "x", "text/plain");
        (s, _) = await server.CallAsync(HttpMethod.Get, "/api/2.0/mlflow-artifacts/artifacts/link%2F..%2F..%2Foutside");
        Assert.NotEqual(200, s);
        Assert.Empty(Directory.GetFiles(outside));
        Assert.False(File.Exists(Path.Combine(server.Folder, "escaped.txt")));
        Assert.DoesNotContain(Directory.GetFiles(server.Folder, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == "escaped.txt" && !f.StartsWith(server.ArtifactRoot, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nan_and_infinity_travel_as_strings_and_a_bulk_interval_thins_steps()
    {
        await using var server = await TestServer.StartAsync();
        var (_, created) = await server.CallAsync(HttpMethod.Post, Api + "runs/create", """{"experiment_id": "0"}""");
        var run = created.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        await server.CallAsync(HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "value": "NaN", "timestamp": 10, "step": 0}""");
        await server.CallAsync(HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "value": "Infinity", "timestamp": 11, "step": 1}""");
        await server.CallAsync(HttpMethod.Post, Api + "runs/log-metric", $$"""{"run_id": "{{run}}", "key": "loss", "value": "-Infinity", "timestamp": 12, "step": 2}""");
        var (_, body) = await server.CallAsync(HttpMethod.Get, Api + $"metrics/get-history?run_id={run}&metric_key=loss");
        Assert.Equal(["NaN", "Infinity", "-Infinity"], body.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("value").GetString()));

        var steps = string.Join(", ", Enumerable.Range(3, 997).Select(i => $$"""{"key": "loss", "value": {{i}}, "timestamp": {{i}}, "step": {{i}}}"""));
        await server.CallAsync(HttpMethod.Post, Api + "runs/log-batch", $$"""{"run_id": "{{run}}", "metrics": [{{steps}}]}""");
        (_, body) = await server.CallAsync(HttpMethod.Get, Api + $"metrics/get-history-bulk-interval?run_ids={run}&metric_key=loss&start_step=100&end_step=900&max_results=5");
        Assert.Equal([100L, 300L, 500L, 700L, 900L], body.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
        Assert.All(body.GetProperty("metrics").EnumerateArray(), m => Assert.Equal(run, m.GetProperty("run_id").GetString()));
        (_, body) = await server.CallAsync(HttpMethod.Get, Api + $"metrics/get-history?run_id={run}&metric_key=loss&max_results=600");
        Assert.Equal(600, body.GetProperty("metrics").GetArrayLength());
        (_, body) = await server.CallAsync(HttpMethod.Get, Api + $"metrics/get-history?run_id={run}&metric_key=loss&max_results=600&page_token={Uri.EscapeDataString(body.GetProperty("next_page_token").GetString()!)}");
        Assert.Equal(400, body.GetProperty("metrics").GetArrayLength());
    }
}
