using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Runlens.Import;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Mcp;
using Runlens.Tests.Support;

namespace Runlens.Tests.Pipeline;

/// <summary>Predictions uploaded for a stored run reach every view of it: a run page already seen shows them on the next
/// visit, and <c>runlens compare</c> diagnoses stored runs with their uploads.</summary>
public sealed class UploadsEverywhereTests
{
    /// <summary>200 examples, cats called dogs half the time: the confusion-pairs rule fires on them.</summary>
    private static string Csv()
    {
        var csv = new StringBuilder("label,prediction\n");
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 4 == 0 ? "cat" : "dog")},{(i % 8 == 0 ? "cat" : "dog")}\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task A_run_page_seen_before_an_upload_shows_the_uploaded_predictions_on_the_next_visit()
    {
        await using var server = await TestServer.StartAsync();
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs);
        await server.Store.SaveRunAsync(run);
        var id = run.Identity.Id;

        var before = await server.Http.GetStringAsync($"/runs/{id}");
        Assert.DoesNotContain("confusion-pairs", before, StringComparison.Ordinal);

        using var body = new StringContent(Csv(), Encoding.UTF8);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        using var put = await server.Http.PutAsync($"/api/runs/{id}/predictions?format=csv", body);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        var after = await server.Http.GetStringAsync($"/runs/{id}");
        Assert.Contains("confusion-pairs", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_diagnoses_stored_runs_with_their_uploaded_predictions()
    {
        using var dir = new TempDir();
        var storePath = dir.File("runlens.db");
        await using (var store = await SqliteRunStore.OpenAsync(storePath))
        {
            var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Example(McpStoreFixture.HfExample))).Runs);
            await store.SaveRunAsync(run with { Identity = run.Identity with { Id = "with-upload", Name = "with-upload" } });
            await store.SaveRunAsync(run with { Identity = run.Identity with { Id = "without", Name = "without" } });
            await store.ApplyAsync("with-upload", new RunChanges { Blobs = [StoredPredictions.Blob("validation", "csv", Encoding.UTF8.GetBytes(Csv()))] });
        }

        var r = await RunlensProcess.RunAsync("compare", "with-upload", "without", "--store", storePath, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        // The finding that only the uploaded predictions give, on the run that has them only.
        var unique = System.Text.Json.Nodes.JsonNode.Parse(r.StdOut)!["findings"]!["unique"]!.AsArray();
        var pairs = Assert.Single(unique, f => (string?)f!["rule"] == "confusion-pairs")!;
        Assert.Equal("with-upload", (string?)Assert.Single(pairs["runs"]!.AsArray())!);
    }
}
