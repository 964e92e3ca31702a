using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runlens.Import;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary>
/// Predictions uploaded for a stored run (as the server's predictions upload stores them) are part of its diagnosis in
/// every host: <c>runlens analyze RUN-ID --store</c> and the MCP server's <c>diagnose_run</c> give what
/// <c>runlens analyze LOGS --predictions FILE</c> gives, and an unreadable upload is a clear error naming the run.
/// </summary>
public sealed class McpStoredPredictionsTests
{
    [Fact]
    public async Task A_stored_runs_uploaded_predictions_are_in_its_diagnosis_from_the_cli_and_from_mcp()
    {
        using var dir = new TempDir();
        var storePath = dir.File("runlens.db");
        var logs = Fixtures.Example(McpStoreFixture.HfExample);
        // 200 examples, cat in one of 4; half of the cats predicted dog: accuracy 0.875, recall of cat 0.5.
        var csv = new StringBuilder("label,prediction\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 4 == 0 ? "cat" : "dog")},{(i % 8 == 0 ? "cat" : "dog")}\n");
        }

        var file = dir.File("predictions.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        string id;
        string brokenId;
        await using (var store = await SqliteRunStore.OpenAsync(storePath))
        {
            var runs = (await ImporterCatalog.ImportAsync(logs)).Runs;
            var run = Assert.Single(runs);
            id = run.Identity.Id;
            await store.SaveRunAsync(run);
            await store.ApplyAsync(id, new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Encoding.UTF8.GetBytes(csv.ToString()))] });

            // A second copy of the run whose upload is damaged (written past the server's check).
            var broken = run with { Identity = run.Identity with { Id = "broken-upload", Name = "broken-upload" } };
            brokenId = broken.Identity.Id;
            await store.SaveRunAsync(broken);
            await store.ApplyAsync(brokenId, new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Encoding.UTF8.GetBytes("label,prediction\ncat\n"))] });
        }

        var fromFile = await RunlensProcess.RunAsync("analyze", logs, "--predictions", file, "--format", "json");
        Assert.Equal(0, fromFile.ExitCode);
        var expected = JsonNode.Parse(fromFile.StdOut)!;
        Assert.Equal(0.875, expected["predictions"]!["metrics"]!["accuracy"]!.GetValue<double>(), 12);

        var stored = await RunlensProcess.RunAsync("analyze", id, "--store", storePath, "--format", "json");
        Assert.True(stored.ExitCode == 0, stored.StdErr);
        var fromStore = JsonNode.Parse(stored.StdOut)!;
        await using var server = await McpServer.StartAsync(storePath);
        var fromMcp = await server.JsonAsync("diagnose_run", new() { ["run"] = id, ["compact"] = false });
        foreach (var (label, doc) in new[] { ("runlens analyze RUN-ID --store", fromStore), ("diagnose_run", (JsonNode)fromMcp) })
        {
            foreach (var part in new[] { "findings", "summary", "coverage", "metrics" })
            {
                Assert.True(JsonNode.DeepEquals(expected[part], doc[part]), $"{label}: {part} differs from runlens analyze --predictions");
            }

            Assert.Contains("predictions", doc["coverage"]!["present"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.Equal($"run {id}: uploaded validation.csv", doc["predictions"]!["source"]!.GetValue<string>());
            var withoutSource = doc["predictions"]!.DeepClone().AsObject();
            var expectedWithoutSource = expected["predictions"]!.DeepClone().AsObject();
            withoutSource.Remove("source");
            expectedWithoutSource.Remove("source");
            Assert.True(JsonNode.DeepEquals(expectedWithoutSource, withoutSource), $"{label}: the predictions' figures differ");
        }

        // An upload that cannot be read: one clear line from the CLI, a tool error from MCP; the server goes on.
        var bad = await RunlensProcess.RunAsync("analyze", brokenId, "--store", storePath, "--format", "json");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"run {brokenId}: uploaded validation.csv", bad.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.StdErr, StringComparison.Ordinal);
        var error = await server.ErrorAsync("diagnose_run", new() { ["run"] = brokenId });
        Assert.Contains($"run {brokenId}: uploaded validation.csv", error, StringComparison.Ordinal);
        Assert.Equal(id, (await server.JsonAsync("get_run", new() { ["run"] = id }))["id"]!.GetValue<string>());
    }
}
