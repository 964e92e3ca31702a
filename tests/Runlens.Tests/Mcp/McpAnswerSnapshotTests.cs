using System.Text.Json.Nodes;
using Runlens.Analysis.Diagnoses;
using Runlens.Reports.Contracts;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>
/// Every MCP tool's answer, from a real <c>runlens mcp</c> process over a store of real example runs and generated ones
/// (<see cref="McpStoreFixture"/>), compared byte for byte with its approved file in tests/Runlens.Tests/Reports/Approved.
/// Normalised, and nothing else: the repository root becomes <c>&lt;repo&gt;</c>, a temporary folder <c>&lt;tmp&gt;</c>,
/// and the ids of the example runs (derived from their absolute paths) <c>&lt;id of NAME&gt;</c>.
/// </summary>
public sealed partial class McpAnswerSnapshotTests(McpStoreFixture store) : IClassFixture<McpStoreFixture>
{
    [System.Text.RegularExpressions.GeneratedRegex("\"version\":\"[0-9a-f]{16}\"")]
    private static partial System.Text.RegularExpressions.Regex RunVersionToken();

    private McpServer Server => store.Server;

    [Fact]
    public async Task List_runs_answers_as_approved_with_the_digest_the_server_stored()
    {
        // The digest the web UI's runs table keeps with a run (the pipeline's StoredDiagnoses.SummaryAsync, keyed by the
        // run version), stored for sweep-a only.
        await using (var db = await SqliteRunStore.OpenAsync(store.StorePath))
        {
            var access = Runlens.Pipeline.Stores.StoreAccess.Of(db);
            var diagnoses = new Runlens.Pipeline.Diagnosing.StoredDiagnoses(new Runlens.Pipeline.Resolution.StoredRuns(access), new Runlens.Pipeline.Diagnosing.DiagnosisService());
            Assert.NotNull(await diagnoses.SummaryAsync((await db.GetRecordAsync(store.Ids["sweep-a"]))!));
        }

        // Ordered by name: the default order breaks ties by run id, and the example runs' ids derive from their absolute paths.
        // The digest's run version is an opaque token that hashes the rule catalogue too (it changes with every rule change).
        Verify("list_runs", RunVersionToken().Replace(await Server.TextAsync("list_runs", new() { ["metrics"] = new[] { "eval_loss", "val_loss" }, ["limit"] = 10, ["order_by"] = new[] { "attributes.run_name ASC" } }), "\"version\":\"<run version>\""));
    }

    [Fact]
    public async Task Get_run_writes_the_run_object_exactly_as_the_diagnosis_does()
    {
        var got = await Server.JsonAsync("get_run", new() { ["run"] = McpStoreFixture.HfExample });
        var diagnosed = (await Server.JsonAsync("diagnose_run", new() { ["run"] = McpStoreFixture.HfExample, ["compact"] = false }))["run"]!.AsObject();
        Assert.Equal(diagnosed.Select(p => p.Key), got.Select(p => p.Key).Take(diagnosed.Count));
        foreach (var (name, value) in diagnosed)
        {
            Assert.True(JsonNode.DeepEquals(value, got[name]), $"get_run's {name} differs from the diagnosis' run.{name}");
        }
    }

    [Fact]
    public async Task Get_run_answers_as_approved() =>
        Verify("get_run", await Server.TextAsync("get_run", new() { ["run"] = McpStoreFixture.HfExample }));

    [Fact]
    public async Task Diagnose_run_answers_as_approved_in_its_compact_and_full_forms()
    {
        Verify("diagnose_run", await Server.TextAsync("diagnose_run", new() { ["run"] = McpStoreFixture.HfExample, ["min_severity"] = "warning" }));
        Verify("diagnose_run.full", await Server.TextAsync("diagnose_run", new() { ["run"] = "keras-csvlogger-brats-unet-lr-plateau", ["compact"] = false }));
    }

    [Fact]
    public async Task Get_metric_history_answers_as_approved() =>
        Verify("get_metric_history", await Server.TextAsync("get_metric_history",
            new() { ["run"] = McpStoreFixture.HfExample, ["key"] = "val/g0_loss", ["max_points"] = 8 }));

    [Fact]
    public async Task Compare_runs_answers_as_approved() =>
        Verify("compare_runs", await Server.TextAsync("compare_runs", new() { ["runs"] = new[] { "sweep-a", "sweep-b" } }));

    [Fact]
    public async Task Hyperparameter_impact_answers_as_approved() =>
        Verify("hyperparameter_impact", await Server.TextAsync("hyperparameter_impact", new() { ["experiment"] = "sweep" }));

    [Fact]
    public async Task Explain_rule_answers_with_the_rule_page_itself()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Fixtures.RepoRoot, "docs", "rules", "RL0101.md"));
        Assert.Equal(page, await Server.TextAsync("explain_rule", new() { ["rule"] = "overfitting" }));
    }

    [Fact]
    public async Task Import_run_answers_as_approved()
    {
        using var dir = new TempDir();
        await using var server = await McpServer.StartAsync(dir.File("runlens.db"));
        var answer = await server.TextAsync("import_run", new() { ["path"] = Fixtures.Example("lightning-csv-mnist-cnn") });
        var id = Runlens.Import.RunIds.FromPath(Fixtures.Example("lightning-csv-mnist-cnn"));
        ApprovedFile.Verify("mcp.import_run.json", answer.Replace(id, "<id of lightning-csv-mnist-cnn>", StringComparison.Ordinal) + "\n");
    }

    private void Verify(string tool, string answer)
    {
        foreach (var (name, id) in store.Ids)
        {
            if (id != name + "-id") // the generated runs have fixed ids; the examples' come from their paths
            {
                answer = answer.Replace(id, $"<id of {name}>", StringComparison.Ordinal);
            }
        }

        ApprovedFile.Verify($"mcp.{tool}.json", answer.Replace(Fixtures.RepoRoot, "<repo>", StringComparison.Ordinal) + "\n");
    }
}
