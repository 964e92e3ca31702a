using System.Globalization;
using Runlens.Tests.Support;

namespace Runlens.Tests.Mcp;

/// <summary><c>import_run</c> on an empty store: logs on the server's machine become stored runs, once.</summary>
public sealed class McpImportTests
{
    [Fact]
    public async Task Import_run_stores_a_log_folder_once_and_reports_unreadable_paths_as_tool_errors()
    {
        using var dir = new TempDir();
        // runlens mcp creates no store: an empty one is made first
        await (await Runlens.Storage.Sqlite.SqliteRunStore.OpenAsync(dir.File("runlens.db"))).DisposeAsync();
        await using var server = await McpServer.StartAsync(dir.File("runlens.db"));
        var folder = Fixtures.Example("lightning-csv-mnist-cnn");
        // every filled metric cell of the CSV is one point
        var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "metrics.csv"));
        var header = lines[0].Split(',');
        var expectedPoints = lines.Skip(1).Sum(l => l.Split(',').Where((v, i) => header[i] is not ("epoch" or "step") && v.Length > 0).Count());

        var first = await server.JsonAsync("import_run", new() { ["path"] = folder });
        var run = Assert.Single(first["runs"]!.AsArray())!;
        Assert.Equal("new", run["stored"]!.GetValue<string>());
        Assert.Equal("lightning-csv", run["format"]!.GetValue<string>());
        Assert.Equal(expectedPoints, run["points_added"]!.GetValue<long>());
        var id = run["id"]!.GetValue<string>();

        var again = Assert.Single((await server.JsonAsync("import_run", new() { ["path"] = folder }))["runs"]!.AsArray())!;
        Assert.Equal("already stored", again["stored"]!.GetValue<string>());
        Assert.Equal(0, again["points_added"]!.GetValue<long>());

        var listed = await server.JsonAsync("list_runs");
        Assert.Equal(1, listed["total"]!.GetValue<int>());
        Assert.Equal(id, listed["runs"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(expectedPoints, listed["runs"]![0]!["points"]!.GetValue<long>());

        var missing = Path.Combine(dir.Path, "nowhere");
        Assert.Contains($"no file or folder at '{missing}'", await server.ErrorAsync("import_run", new() { ["path"] = missing }), StringComparison.Ordinal);
        var garbage = dir.File("trainer_state.json");
        await File.WriteAllTextAsync(garbage, "{\"log_history\": [ {\"loss\": 1.0, \"step\": ");
        var bad = await server.ErrorAsync("import_run", new() { ["path"] = garbage });
        Assert.StartsWith("import_run: path: ", bad, StringComparison.Ordinal);
        Assert.Contains("trainer_state.json", bad, StringComparison.Ordinal);

        // the server is still there, and the imported run reads back
        var got = await server.JsonAsync("get_run", new() { ["run"] = id });
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{expectedPoints}"),
            got["series"]!.AsArray().Sum(s => s!["points"]!.GetValue<long>()).ToString(CultureInfo.InvariantCulture));
    }
}
