using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Analysis.Rules;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>Every tool of <c>runlens mcp</c>, called through the SDK's client against real example runs and generated
/// runs whose values are known by construction; errors come back as tool errors and the server goes on.</summary>
public sealed class McpToolTests(McpStoreFixture store) : IClassFixture<McpStoreFixture>
{
    private McpServer Server => store.Server;

    [Fact]
    public async Task Lists_every_tool_with_a_description_and_an_input_schema()
    {
        var tools = await Server.Client.ListToolsAsync();
        Assert.Equal(["compare_runs", "diagnose_run", "explain_rule", "get_metric_history", "get_run", "hyperparameter_impact", "import_run", "list_runs"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tool in tools)
        {
            Assert.True(tool.Description.Length > 150, $"{tool.Name}: description too short to say what it returns and how large");
            var schema = tool.JsonSchema;
            Assert.Equal("object", schema.GetProperty("type").GetString());
            foreach (var p in schema.GetProperty("properties").EnumerateObject())
            {
                Assert.True(p.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 10, $"{tool.Name}.{p.Name} has no description");
            }
        }

        var history = tools.Single(t => t.Name == "get_metric_history").JsonSchema;
        Assert.Equal(["key", "run"], history.GetProperty("required").EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(500, history.GetProperty("properties").GetProperty("max_points").GetProperty("default").GetInt32());
    }

    [Fact]
    public async Task List_runs_pages_filters_and_counts_every_stored_run()
    {
        var all = await Server.JsonAsync("list_runs");
        Assert.Equal(store.RunCount, all["total"]!.GetValue<int>());
        Assert.Equal(store.Ids.Values.Order(StringComparer.Ordinal), all["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Null(all["next_offset"]);
        var long_ = all["runs"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "long-spiky")!;
        Assert.Equal(McpStoreFixture.LongPoints, long_["points"]!.GetValue<long>());
        Assert.Equal("finished", long_["status"]!.GetValue<string>());

        var first = await Server.JsonAsync("list_runs", new() { ["limit"] = 2 });
        Assert.Equal(2, first["runs"]!.AsArray().Count);
        Assert.Equal(2, first["next_offset"]!.GetValue<int>());
        var last = await Server.JsonAsync("list_runs", new() { ["limit"] = 2, ["offset"] = store.RunCount - 1 });
        Assert.Single(last["runs"]!.AsArray());
        Assert.Null(last["next_offset"]);

        var sweep = await Server.JsonAsync("list_runs", new() { ["experiment"] = "sweep", ["metrics"] = new[] { "eval_loss" } });
        Assert.Equal(["sweep-a", "sweep-b"], sweep["runs"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var b = sweep["runs"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "sweep-b")!;
        Assert.Equal(McpStoreFixture.SweepBValLoss[^1], b["metrics"]!["eval_loss"]!["value"]!.GetValue<double>());
        Assert.Equal(4000, b["metrics"]!["eval_loss"]!["step"]!.GetValue<long>());

        var filtered = await Server.JsonAsync("list_runs", new() { ["filter"] = "metrics.eval_loss < 0.5", ["experiment"] = "sweep" });
        Assert.Equal(["sweep-b"], filtered["runs"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        // eval_loss is the key val/loss: runs that logged val_loss are found by it too
        var vocabulary = await Server.JsonAsync("list_runs", new() { ["filter"] = "metrics.eval_loss < 0.5" });
        Assert.Equal(["keras-csvlogger-brats-unet-lr-plateau", "lightning-csv-mnist-cnn", "sweep-b"], vocabulary["runs"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var failed = await Server.JsonAsync("list_runs", new() { ["status"] = "failed" });
        Assert.Equal(0, failed["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Get_run_gives_config_series_counts_and_coverage_as_the_log_has_them()
    {
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures.Example(McpStoreFixture.HfExample), "trainer_state.json"))).RootElement;
        var losses = state.GetProperty("log_history").EnumerateArray().Where(e => e.TryGetProperty("loss", out _)).ToList();

        var run = await Server.JsonAsync("get_run", new() { ["run"] = McpStoreFixture.HfExample });
        Assert.Equal(store.Ids[McpStoreFixture.HfExample], run["id"]!.GetValue<string>());
        Assert.Equal("hf-trainer-state", run["source"]!["format"]!.GetValue<string>());
        Assert.Equal(state.GetProperty("max_steps").GetInt64(), run["config"]!["max_steps"]!.GetValue<long>());
        Assert.Equal(state.GetProperty("global_step").GetInt64(), run["trainer"]!["global_step"]!.GetValue<long>());
        var trainLoss = run["series"]!.AsArray().Single(s => s!["key"]!.GetValue<string>() == "train/loss")!;
        Assert.Equal(losses.Count, trainLoss["points"]!.GetValue<int>());
        Assert.Equal("loss", trainLoss["logged_as"]!.GetValue<string>());
        Assert.Equal(losses.Min(e => e.GetProperty("loss").GetDouble()), trainLoss["min"]!["value"]!.GetValue<double>());
        Assert.Equal(losses[^1].GetProperty("loss").GetDouble(), trainLoss["last"]!["value"]!.GetValue<double>());
        Assert.Equal(losses[^1].GetProperty("step").GetInt64(), trainLoss["last"]!["step"]!.GetValue<long>());
        var present = run["coverage"]!["present"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Contains("train/loss", present);
        Assert.Contains(run["coverage"]!["missing"]!.AsArray(), m => m!["signal"]!.GetValue<string>() == "predictions");

        // by id as well as by name
        var byId = await Server.JsonAsync("get_run", new() { ["run"] = store.Ids["lightning-csv-mnist-cnn"] });
        Assert.Equal("lightning-csv-mnist-cnn", byId["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Diagnose_run_gives_the_findings_runlens_analyze_gives_for_the_same_logs()
    {
        foreach (var example in McpStoreFixture.Examples)
        {
            var analyzed = await RunlensProcess.RunAsync("analyze", Fixtures.Example(example), "--format", "json");
            Assert.Equal(0, analyzed.ExitCode);
            var expected = JsonNode.Parse(analyzed.StdOut)!;

            var full = await Server.JsonAsync("diagnose_run", new() { ["run"] = store.Ids[example], ["compact"] = false });
            Assert.Equal("runlens.diagnosis/v2", full["schema"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(expected["findings"], full["findings"]), $"{example}: findings differ from runlens analyze");
            Assert.True(JsonNode.DeepEquals(expected["summary"], full["summary"]), $"{example}: summary differs");
            Assert.True(JsonNode.DeepEquals(expected["coverage"], full["coverage"]), $"{example}: coverage differs");
            Assert.True(JsonNode.DeepEquals(expected["metrics"], full["metrics"]), $"{example}: metrics differ");

            var compact = await Server.TextAsync("diagnose_run", new() { ["run"] = store.Ids[example] });
            Assert.DoesNotContain('\n', compact);
            var c = JsonNode.Parse(compact)!;
            Assert.Null(c["metrics"]);
            Assert.True(JsonNode.DeepEquals(expected["findings"], c["findings"]));
            Assert.True(compact.Length < 64 * 1024, $"{example}: compact diagnosis is {compact.Length} chars");

            var errorsOnly = await Server.JsonAsync("diagnose_run", new() { ["run"] = store.Ids[example], ["min_severity"] = "error" });
            var expectedErrors = expected["findings"]!.AsArray().Where(f => f!["severity"]!.GetValue<string>() == "error").ToList();
            Assert.Equal(expectedErrors.Count, errorsOnly["findings"]!.AsArray().Count);
            Assert.Equal(expected["findings"]!.AsArray().Count - expectedErrors.Count, errorsOnly["findings_left_out"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Hyperparameter_impact_over_an_experiment_is_what_runlens_impact_says_with_its_caveat_for_two_runs()
    {
        var cli = await RunlensProcess.RunAsync("impact", "--experiment", "sweep", "--store", store.StorePath, "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        var expected = JsonNode.Parse(cli.StdOut)!;

        var byExperiment = await Server.TextAsync("hyperparameter_impact", new() { ["experiment"] = "sweep" });
        Assert.DoesNotContain('\n', byExperiment);
        var tool = JsonNode.Parse(byExperiment)!;
        Assert.Equal("runlens.impact/v1", tool["schema"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(expected, tool), "the tool's analysis differs from runlens impact's");
        Assert.Contains(tool["caveats"]!.AsArray(), c => c!.GetValue<string>().StartsWith("Only 2 run(s) have a best val/loss: too few", StringComparison.Ordinal));

        var byRuns = await Server.JsonAsync("hyperparameter_impact", new() { ["runs"] = new[] { "sweep-a", "sweep-b" } });
        Assert.True(JsonNode.DeepEquals(tool, byRuns));

        Assert.Contains("no runs of experiment 'nope'", await Server.ErrorAsync("hyperparameter_impact", new() { ["experiment"] = "nope" }), StringComparison.Ordinal);
        Assert.Contains("at least 2 run ids", await Server.ErrorAsync("hyperparameter_impact", new() { ["runs"] = new[] { "sweep-a" } }), StringComparison.Ordinal);
        Assert.Contains("value 'last'", await Server.ErrorAsync("hyperparameter_impact", new() { ["experiment"] = "sweep", ["value"] = "last" }), StringComparison.Ordinal);
        Assert.Contains("metric: ", await Server.ErrorAsync("hyperparameter_impact", new() { ["experiment"] = "sweep", ["metric"] = "val/nothing" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_metric_history_is_raw_when_small()
    {
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures.Example(McpStoreFixture.HfExample), "trainer_state.json"))).RootElement;
        var losses = state.GetProperty("log_history").EnumerateArray().Where(e => e.TryGetProperty("loss", out _)).ToList();

        var h = await Server.JsonAsync("get_metric_history", new() { ["run"] = McpStoreFixture.HfExample, ["key"] = "train/loss" });
        Assert.False(h["downsampled"]!.GetValue<bool>());
        Assert.Equal(losses.Count, h["points_in_range"]!.GetValue<int>());
        Assert.Equal(losses.Select(e => e.GetProperty("step").GetInt64()), h["steps"]!.AsArray().Select(s => s!.GetValue<long>()));
        Assert.Equal(losses.Select(e => e.GetProperty("loss").GetDouble()), h["values"]!.AsArray().Select(McpServer.Number));

        // the name it was logged under works too, and a step range cuts it
        var from = losses[5].GetProperty("step").GetInt64();
        var to = losses[9].GetProperty("step").GetInt64();
        var ranged = await Server.JsonAsync("get_metric_history", new() { ["run"] = McpStoreFixture.HfExample, ["key"] = "loss", ["from_step"] = from, ["to_step"] = to });
        Assert.Equal(5, ranged["points_in_range"]!.GetValue<int>());
        Assert.Equal(losses.Skip(5).Take(5).Select(e => e.GetProperty("loss").GetDouble()), ranged["values"]!.AsArray().Select(McpServer.Number));
    }

    [Fact]
    public async Task Get_metric_history_downsamples_a_long_series_keeping_spikes_dips_nans_and_ends()
    {
        var text = await Server.TextAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "train/loss", ["max_points"] = 200 });
        Assert.True(text.Length < 12_000, $"{text.Length} chars for 200 points");
        var h = JsonNode.Parse(text)!;
        Assert.True(h["downsampled"]!.GetValue<bool>());
        Assert.Equal(McpStoreFixture.LongPoints, h["points_in_range"]!.GetValue<int>());
        var steps = h["steps"]!.AsArray().Select(s => s!.GetValue<long>()).ToList();
        var values = h["values"]!.AsArray().ToList();
        Assert.InRange(steps.Count, 150, 200 + 100);   // close to what was asked, never far above
        Assert.Equal(steps.Count, h["returned"]!.GetValue<int>());
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(0, steps[0]);
        Assert.Equal(McpStoreFixture.LongPoints - 1, steps[^1]);
        Assert.Equal(McpStoreFixture.SpikeValue, McpServer.Number(values[steps.IndexOf(McpStoreFixture.SpikeStep)]));
        Assert.Equal(McpStoreFixture.DipValue, McpServer.Number(values[steps.IndexOf(McpStoreFixture.DipStep)]));
        Assert.Equal("NaN", values[steps.IndexOf(McpStoreFixture.NanStep)]!.GetValue<string>());
        Assert.Equal(McpStoreFixture.SpikeStep, h["max"]!["step"]!.GetValue<long>());
        Assert.Equal(McpStoreFixture.DipStep, h["min"]!["step"]!.GetValue<long>());

        var ranged = await Server.JsonAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "train/loss", ["from_step"] = 30_000, ["to_step"] = 35_000, ["max_points"] = 50 });
        Assert.Equal(5001, ranged["points_in_range"]!.GetValue<int>());
        var rangedSteps = ranged["steps"]!.AsArray().Select(s => s!.GetValue<long>()).ToList();
        Assert.InRange(rangedSteps.Count, 4, 50);
        Assert.All(rangedSteps, s => Assert.InRange(s, 30_000, 35_000));
        Assert.Equal(30_000, rangedSteps[0]);
        Assert.Equal(35_000, rangedSteps[^1]);
        Assert.Contains(McpStoreFixture.SpikeStep, rangedSteps);
    }

    [Fact]
    public async Task Compare_runs_is_what_runlens_compare_says_of_the_same_runs()
    {
        var c = await Server.JsonAsync("compare_runs", new() { ["runs"] = new[] { "sweep-a", store.Ids["sweep-b"] } });
        Assert.Equal("runlens.comparison/v1", c["schema"]!.GetValue<string>());
        Assert.Equal(["sweep-a", "sweep-b"], c["runs"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()));
        var differences = c["config"]!.AsArray();
        Assert.Equal("learning_rate", Assert.Single(differences)!["key"]!.GetValue<string>());
        Assert.Equal([1e-4, 3e-4], new[] { "sweep-a", "sweep-b" }.Select(l => differences[0]!["values"]![l]!.GetValue<double>()));
        var valLoss = c["metrics"]!.AsArray().Single(m => m!["key"]!.GetValue<string>() == "val/loss")!;
        Assert.False(valLoss["greater_is_better"]!.GetValue<bool>());
        var a = valLoss["runs"]!["sweep-a"]!;
        Assert.Equal(McpStoreFixture.SweepAValLoss.Min(), a["best"]!["value"]!.GetValue<double>());
        Assert.Equal(3000, a["best"]!["step"]!.GetValue<long>());
        Assert.Equal(McpStoreFixture.SweepAValLoss[^1], a["final"]!["value"]!.GetValue<double>());
        Assert.Equal(McpStoreFixture.SweepBValLoss.Min(), valLoss["runs"]!["sweep-b"]!["best"]!["value"]!.GetValue<double>());

        // the same document as the CLI's over the same stored runs
        var cli = await RunlensProcess.RunAsync("compare", "sweep-a", "sweep-b", "--store", store.StorePath, "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cli.StdOut), c), "compare_runs differs from runlens compare");

        var only = await Server.JsonAsync("compare_runs", new() { ["runs"] = new[] { "sweep-a", "sweep-b" }, ["metrics"] = new[] { "val/loss" } });
        Assert.Equal("val/loss", Assert.Single(only["metrics"]!.AsArray())!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Explain_rule_gives_each_rules_documentation_page_by_id_or_slug()
    {
        foreach (var rule in RuleCatalog.All.Select(r => r.Descriptor))
        {
            var page = await File.ReadAllTextAsync(Path.Combine(Fixtures.RepoRoot, "docs", "rules", rule.Id + ".md"));
            Assert.Equal(page, await Server.TextAsync("explain_rule", new() { ["rule"] = rule.Id }));
            Assert.StartsWith($"# {rule.Id} {rule.Slug}", page, StringComparison.Ordinal);
        }

        var bySlug = await Server.TextAsync("explain_rule", new() { ["rule"] = "Overfitting" });
        Assert.Equal("# RL0101 overfitting", bySlug.Split('\n')[0]);
    }

    [Fact]
    public async Task Bad_calls_are_tool_errors_with_a_clear_message_and_the_server_goes_on()
    {
        var unknown = await Server.ErrorAsync("get_run", new() { ["run"] = "no-such-run" });
        Assert.Contains("no run 'no-such-run'", unknown, StringComparison.Ordinal);
        Assert.Contains("list_runs", unknown, StringComparison.Ordinal);
        Assert.Contains("no-such-run", await Server.ErrorAsync("diagnose_run", new() { ["run"] = "no-such-run" }), StringComparison.Ordinal);

        var tooFew = await Server.ErrorAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "train/loss", ["max_points"] = 2 });
        Assert.Contains("max_points must be between 4 and 5000, got 2", tooFew, StringComparison.Ordinal);
        var notANumber = await Server.ErrorAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "train/loss", ["max_points"] = "many" });
        Assert.Contains("'max_points' must be integer", notANumber, StringComparison.Ordinal);
        var noKey = await Server.ErrorAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "val/nothing" });
        Assert.Contains("no series 'val/nothing'", noKey, StringComparison.Ordinal);
        Assert.Contains("train/loss", noKey, StringComparison.Ordinal);
        var backwards = await Server.ErrorAsync("get_metric_history", new() { ["run"] = "long-spiky", ["key"] = "train/loss", ["from_step"] = 10, ["to_step"] = 5 });
        Assert.Contains("from_step", backwards, StringComparison.Ordinal);
        Assert.Contains("argument 'run' is required", await Server.ErrorAsync("get_run"), StringComparison.Ordinal);
        Assert.Contains("unknown argument 'id'", await Server.ErrorAsync("get_run", new() { ["id"] = "x" }), StringComparison.Ordinal);

        var rule = await Server.ErrorAsync("explain_rule", new() { ["rule"] = "RL9999" });
        Assert.Contains("no rule 'RL9999'", rule, StringComparison.Ordinal);
        Assert.Contains("RL0101 overfitting", rule, StringComparison.Ordinal);
        Assert.Contains("min_severity", await Server.ErrorAsync("diagnose_run", new() { ["run"] = "sweep-a", ["min_severity"] = "fatal" }), StringComparison.Ordinal);
        Assert.Contains("filter:", await Server.ErrorAsync("list_runs", new() { ["filter"] = "metrics.loss << 1" }), StringComparison.Ordinal);
        Assert.Contains("limit must be between 1 and 200", await Server.ErrorAsync("list_runs", new() { ["limit"] = 0 }), StringComparison.Ordinal);
        Assert.Contains("status 'done'", await Server.ErrorAsync("list_runs", new() { ["status"] = "done" }), StringComparison.Ordinal);
        Assert.Contains("give 2 to 10 run ids, got 1", await Server.ErrorAsync("compare_runs", new() { ["runs"] = new[] { "sweep-a" } }), StringComparison.Ordinal);
        Assert.Contains("given twice", await Server.ErrorAsync("compare_runs", new() { ["runs"] = new[] { "sweep-a", "sweep-a-id" } }), StringComparison.Ordinal);

        // still serving
        var after = await Server.JsonAsync("list_runs", new() { ["limit"] = 1 });
        Assert.Equal(store.RunCount, after["total"]!.GetValue<int>());
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{store.Ids["sweep-a"]}"), (await Server.JsonAsync("get_run", new() { ["run"] = "sweep-a" }))["id"]!.GetValue<string>());
    }
}
