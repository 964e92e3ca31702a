using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Import;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Mcp;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>
/// One run, one diagnosis: a stored run with a non-default rule option in <c>runlens.yaml</c> and predictions uploaded
/// after the first look gets byte-identical diagnosis JSON from <c>runlens analyze RUN-ID</c> (a real CLI process whose
/// working folder holds runlens.yaml), <c>GET /api/runs/{id}/diagnosis</c> (a real <c>runlens serve --config</c> on
/// 127.0.0.1) and the MCP tool <c>diagnose_run</c> (a real <c>runlens mcp --config</c>), before and after the upload.
/// </summary>
public sealed class OneDiagnosisEverywhereTests
{
    /// <summary>How the MCP server writes every answer: compact (no indentation), the same escaping as the report.</summary>
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task The_cli_http_and_mcp_give_the_same_bytes_with_the_options_file_and_after_a_new_upload()
    {
        using var dir = new TempDir();
        var work = Path.GetDirectoryName(dir.File("work/runlens.yaml"))!;
        var options = Path.Combine(work, "runlens.yaml");
        await File.WriteAllTextAsync(options, "rules:\n  early-stopping:\n    patience: 1\n");
        var storePath = dir.File("runlens.db");
        string id;
        await using (var store = await SqliteRunStore.OpenAsync(storePath))
        {
            var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs);
            id = run.Identity.Id;
            await store.SaveRunAsync(run);
        }

        await using var serve = await ServeProcess.StartAsync(work, "--store", storePath, "--config", options);
        await using var mcp = await McpServer.StartAsync(storePath, "--config", options);

        async Task<(string Cli, string Http, string Mcp)> LookAsync()
        {
            var cli = await RunlensProcess.RunInAsync(work, "analyze", id, "--store", storePath, "--format", "json");
            Assert.True(cli.ExitCode == 0, cli.StdErr);
            var http = await serve.Http.GetStringAsync($"api/runs/{Uri.EscapeDataString(id)}/diagnosis");
            var fromMcp = await mcp.TextAsync("diagnose_run", new() { ["run"] = id, ["compact"] = false });
            return (cli.StdOut, http, fromMcp);
        }

        var first = await LookAsync();
        Assert.Equal(first.Cli, first.Http);
        // MCP answers are compact JSON (its transport writes no indentation): the only difference allowed.
        Assert.Equal(JsonNode.Parse(first.Cli)!.ToJsonString(Compact), first.Mcp);
        var early = JsonNode.Parse(first.Cli)!["findings"]!.AsArray().Single(f => (string?)f!["rule"] == "early-stopping")!;
        Assert.Equal(1, (int)early["evidence"]!["patience"]!); // the option of runlens.yaml, not the default 3
        Assert.Null(JsonNode.Parse(first.Cli)!["predictions"]);

        // Predictions uploaded after the first look: every host sees them at once.
        var csv = new StringBuilder("label,prediction\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 4 == 0 ? "cat" : "dog")},{(i % 8 == 0 ? "cat" : "dog")}\n");
        }

        using (var body = new StringContent(csv.ToString(), Encoding.UTF8))
        {
            body.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            using var put = await serve.Http.PutAsync($"api/runs/{Uri.EscapeDataString(id)}/predictions?format=csv", body);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var second = await LookAsync();
        Assert.Equal(second.Cli, second.Http);
        Assert.Equal(JsonNode.Parse(second.Cli)!.ToJsonString(Compact), second.Mcp);
        var doc = JsonNode.Parse(second.Cli)!;
        Assert.Equal(0.875, (double)doc["predictions"]!["metrics"]!["accuracy"]!, 12);
        Assert.Equal($"run {id}: uploaded validation.csv", (string?)doc["predictions"]!["source"]);
        Assert.Equal(1, (int)doc["findings"]!.AsArray().Single(f => (string?)f!["rule"] == "early-stopping")!["evidence"]!["patience"]!);
        Assert.NotEqual(first.Cli, second.Cli);
    }
    /// <summary>A run whose validation accuracy reaches 1.0 because one input column is the label: the curves cannot tell
    /// it from an easy task, the training data can. <c>runlens analyze RUN-ID --data-dir DATA</c> and the MCP tool
    /// <c>diagnose_run</c> with <c>data_dir</c> add the same audit findings and give the same bytes, leakage first.</summary>
    [Fact]
    public async Task The_cli_and_mcp_add_the_same_data_audit_to_a_stored_run()
    {
        using var dir = new TempDir();
        var benchRun = Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", "leakage--target-feature--s2");
        var data = Path.Combine(benchRun, "data");
        var storePath = dir.File("runlens.db");
        string id;
        await using (var store = await SqliteRunStore.OpenAsync(storePath))
        {
            var run = Assert.Single((await ImporterCatalog.ImportAsync(Path.Combine(benchRun, "log"))).Runs);
            id = run.Identity.Id;
            await store.SaveRunAsync(run);
        }

        var cli = await RunlensProcess.RunInAsync(dir.Path, "analyze", id, "--store", storePath, "--data-dir", data, "--format", "json");
        Assert.True(cli.ExitCode == 0, cli.StdErr);
        await using var mcp = await McpServer.StartAsync(storePath);
        var fromMcp = await mcp.TextAsync("diagnose_run", new() { ["run"] = id, ["compact"] = false, ["data_dir"] = data });
        Assert.Equal(JsonNode.Parse(cli.StdOut)!.ToJsonString(Compact), fromMcp);

        var doc = JsonNode.Parse(cli.StdOut)!;
        Assert.Equal("leakage", (string?)doc["root_causes"]![0]!["id"]);
        Assert.Contains(doc["findings"]!.AsArray(), f => (string?)f!["rule"] == "feature-encodes-label");
        var without = JsonNode.Parse(await mcp.TextAsync("diagnose_run", new() { ["run"] = id, ["compact"] = false }))!;
        Assert.DoesNotContain(without["findings"]!.AsArray(), f => (string?)f!["rule"] == "feature-encodes-label");

        var missing = await mcp.ErrorAsync("diagnose_run", new() { ["run"] = id, ["data_dir"] = Path.Combine(dir.Path, "no-such-folder") });
        Assert.StartsWith("diagnose_run: data_dir: ", missing, StringComparison.Ordinal);
    }
}
