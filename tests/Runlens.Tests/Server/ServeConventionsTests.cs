using System.Globalization;
using System.Text.Json;
using Runlens.Server.Configuration;
using Runlens.Server.Observability;
using Runlens.Tests.Pipeline;
using Runlens.Tests.Support;

namespace Runlens.Tests.Server;

/// <summary>
/// The conventions of a server on a real <c>runlens serve</c> process: every option in the options file's <c>serve:</c>
/// section with environment-variable overrides, <c>/metrics</c> in Prometheus' text format with exact counts of what the
/// test did, and one JSON log line per request on stderr.
/// </summary>
public sealed class ServeConventionsTests
{
    [Fact]
    public async Task Serve_puts_no_file_watch_on_the_folders_under_its_working_folder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // inotify and /proc are Linux's
        }

        using var dir = new TempDir();
        for (var i = 0; i < 40; i++)
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, $"data-{i}", "images"));
        }

        var environment = new Dictionary<string, string> { ["RUNLENS_STORE"] = "" };
        await using var server = await ServeProcess.StartAsync(dir.Path, environment, "--store", dir.File("runs.db"));
        // Each inotify watch is one "inotify wd:" line in the fdinfo of the process' inotify descriptors; a host that
        // watched its content root for appsettings.json changes held one per folder here (81).
        var watches = 0;
        foreach (var info in Directory.GetFiles($"/proc/{server.ProcessId}/fdinfo"))
        {
            try
            {
                watches += File.ReadLines(info).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                // a descriptor closed while it was read
            }
        }

        Assert.True(watches < 5, $"runlens serve holds {watches} inotify watches in a folder of 81 folders");
    }

    [Fact]
    public async Task Serve_reads_its_options_from_the_file_lets_the_environment_override_them_and_reports_metrics_and_request_logs()
    {
        using var dir = new TempDir();
        var config = dir.File("serve.yaml");
        // the file asks for text logs and a 300-byte JSON limit; the environment overrides both
        await File.WriteAllTextAsync(config, $"""
            serve:
              store: {dir.File("team.db")}
              request_log: text
              max_json_bytes: 300
            rules:
              overfitting:
                min_rise: 0.1
            """);
        var environment = new Dictionary<string, string>
        {
            ["RUNLENS_SERVE_REQUEST_LOG"] = "json",
            ["RUNLENS_SERVE_MAX_JSON_BYTES"] = "100000",
            ["RUNLENS_STORE"] = "",
        };
        await using var server = await ServeProcess.StartAsync(dir.Path, environment, "--config", config);
        Assert.True(File.Exists(dir.File("team.db")), "the store named in the file was not opened: " + server.StdErr);

        using var created = await server.Http.PostAsync("api/runs", Json("""{"name": "conventions"}"""));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var points = string.Join(",", Enumerable.Range(1, 30).Select(i => string.Create(CultureInfo.InvariantCulture, $$"""{"key": "train/loss", "step": {{i}}, "value": {{1.0 / i}}}""")));
        var body = """{"points": [""" + points + "]}";
        Assert.True(body.Length > 300, "the body must be larger than the file's limit");
        using var appended = await server.Http.PostAsync($"api/runs/{id}/points", Json(body));
        Assert.True(appended.IsSuccessStatusCode, await appended.Content.ReadAsStringAsync()); // the environment's limit holds
        Assert.Equal(200, (int)(await server.Http.GetAsync($"api/runs/{id}/diagnosis")).StatusCode);
        Assert.Equal(200, (int)(await server.Http.GetAsync($"api/runs/{id}/diagnosis")).StatusCode);

        var metrics = await server.Http.GetStringAsync("metrics");
        Assert.Equal(30, Value(metrics, "runlens_storage_points_appended"));
        Assert.Equal(1, Value(metrics, "runlens_pipeline_diagnosis_cache_misses{form=\"full\"}"));
        Assert.Equal(1, Value(metrics, "runlens_pipeline_diagnosis_cache_hits{form=\"full\"}"));
        Assert.Equal(1, Value(metrics, "http_requests_received_total{code=\"201\",method=\"POST\",controller=\"\",action=\"\",endpoint=\"/api/runs/\"}"));
        Assert.Equal(2, Value(metrics, "http_request_duration_seconds_count{code=\"200\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/api/runs/{id}/diagnosis\"}"));
        var size = Value(metrics, "runlens_store_size_bytes");
        Assert.InRange(size, new FileInfo(dir.File("team.db")).Length, 64L * 1024 * 1024);

        // one JSON line per request, with its method, path, status and duration as fields
        await Task.Delay(200);
        var requests = server.StdErr.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var append = Assert.Single(requests, r => r.GetProperty("State").GetProperty("Path").GetString() == $"/api/runs/{id}/points");
        Assert.Equal("POST", append.GetProperty("State").GetProperty("Method").GetString());
        Assert.Equal((int)appended.StatusCode, append.GetProperty("State").GetProperty("StatusCode").GetInt32());
        Assert.True(append.GetProperty("State").GetProperty("Duration").GetDouble() > 0);
        Assert.Equal("Information", append.GetProperty("LogLevel").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", append.GetProperty("Timestamp").GetString());
    }

    [Fact]
    public void A_bad_option_in_the_file_or_the_environment_is_one_line_naming_where_and_what_it_takes()
    {
        using var dir = new TempDir();
        var file = dir.File("runlens.yaml");
        var none = new Dictionary<string, string>();

        File.WriteAllText(file, "serve:\n  max_upload_bytes: lots\n");
        Assert.Equal($"{file}: line 2: serve.max_upload_bytes: 'lots' is not a positive whole number (the largest artifact or predictions upload, in bytes)",
            Assert.Throws<FormatException>(() => ServeConfig.Read(file, none.GetValueOrDefault)).Message);

        File.WriteAllText(file, "serve:\n  port: 5000\n");
        Assert.StartsWith($"{file}: line 2: unknown option 'serve.port'; runlens serve takes store, urls, artifacts, auth,",
            Assert.Throws<FormatException>(() => ServeConfig.Read(file, none.GetValueOrDefault)).Message, StringComparison.Ordinal);

        File.WriteAllText(file, "serve:\n  metrics: false\n  request_log: text\n  mcp: no\n  max_upload_bytes: 1_000_000\n");
        var read = ServeConfig.Read(file, none.GetValueOrDefault);
        Assert.Equal((false, RequestLogFormat.Text, false, 1_000_000L), (read.Metrics, read.RequestLog, read.Mcp, read.MaxUploadBytes));

        var environment = new Dictionary<string, string> { ["RUNLENS_SERVE_METRICS"] = "maybe" };
        Assert.Equal("$RUNLENS_SERVE_METRICS: 'maybe' is not true or false: Prometheus metrics at /metrics",
            Assert.Throws<FormatException>(() => ServeConfig.Read(file, environment.GetValueOrDefault)).Message);
        environment["RUNLENS_SERVE_METRICS"] = "true";
        environment["RUNLENS_SERVE_URLS"] = "http://127.0.0.1:5999";
        read = ServeConfig.Read(file, environment.GetValueOrDefault);
        Assert.Equal((true, "http://127.0.0.1:5999", RequestLogFormat.Text), (read.Metrics, read.Urls, read.RequestLog));
    }

    [Fact]
    public async Task A_serve_section_in_runlens_yaml_is_not_a_rule_error_and_other_commands_ignore_it()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("runlens.yaml"), "serve:\n  urls: http://127.0.0.1:1\nrules:\n  overfitting:\n    min_rise: 0.1\n");
        var settings = Runlens.Pipeline.Settings.SettingsLoader.Load(null, [], dir.Path);
        Assert.Equal(0.1, settings.Rules.Values["overfitting.min_rise"]);
        var r = await RunlensProcess.RunInAsync(dir.Path, "analyze", Fixtures.Example("hf-trainer-multi-eval-overfit"), "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
    }

    [Fact]
    public async Task Metrics_and_mcp_can_be_turned_off()
    {
        await using var server = await TestServer.StartAsync(configure: (_, o) => o with { Metrics = false });
        Assert.Equal(404, (int)(await server.Http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(404, (int)(await server.Http.PostAsync("/mcp", Json("{}"))).StatusCode);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no {series} in\n{metrics}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [PostgresFact]
    public async Task Metrics_give_a_postgresql_stores_size_as_its_tables_and_indexes_take_on_disk()
    {
        await using var server = await TestServer.StartAsync("postgres");
        foreach (var run in (await Runlens.Import.ImporterCatalog.ImportAsync(Fixtures.Example("hf-trainer-multi-eval-overfit"))).Runs)
        {
            await server.Store.SaveRunAsync(run);
        }

        // the size as PostgreSQL's catalogue gives it for the store's schema, asked on a connection of the test's own
        var schema = Storage.RunStoreContract.SearchPath(server.Store);
        await using var connection = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable));
        await connection.OpenAsync();
        async Task<long> ExpectedAsync()
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT SUM(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))::bigint FROM pg_tables WHERE schemaname = @s";
            cmd.Parameters.AddWithValue("s", schema);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        // (autovacuum may add a page between the two reads: the two must meet within a few tries)
        long scraped = -1, expected = -2;
        for (var attempt = 0; attempt < 5 && scraped != expected; attempt++)
        {
            var text = await server.Http.GetStringAsync("/metrics");
            var line = text.Split('\n').Single(l => l.StartsWith("runlens_store_size_bytes ", StringComparison.Ordinal));
            scraped = (long)double.Parse(line["runlens_store_size_bytes ".Length..], CultureInfo.InvariantCulture);
            expected = await ExpectedAsync();
        }

        Assert.Equal(expected, scraped);
        Assert.True(scraped > 64 * 1024, $"a store holding a run takes more than 64 KiB, not {scraped} bytes");
    }
}
