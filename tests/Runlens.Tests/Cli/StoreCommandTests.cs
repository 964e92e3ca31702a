using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens import</c>, <c>runs</c>, <c>show</c> and <c>analyze RUN-ID</c> over a real SQLite file.</summary>
public sealed class StoreCommandTests
{
    [Fact]
    public async Task An_imported_run_is_listed_shown_and_analysed_from_the_store_like_from_the_file()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        var first = await RunlensProcess.RunAsync("import", "examples/hf-trainer-multi-eval-overfit", "--store", store);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("stored", first.StdOut, StringComparison.Ordinal);
        var again = await RunlensProcess.RunAsync("import", "examples/hf-trainer-multi-eval-overfit", "--store", store);
        Assert.Contains("already stored, 0 new points", again.StdOut, StringComparison.Ordinal);

        var runs = await RunlensProcess.RunAsync("runs", "--store", store);
        var id = Assert.Single(runs.StdOut.Trim().Split('\n')).Split("  ")[0];

        var show = await RunlensProcess.RunAsync("show", id, "--store", store);
        Assert.Contains("val/g0_loss", show.StdOut, StringComparison.Ordinal);

        var fromStore = await RunlensProcess.RunAsync("analyze", id, "--store", store, "--format", "json");
        var fromFile = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json");
        Assert.Equal(0, fromStore.ExitCode);
        Assert.Equal(Rules(fromFile.StdOut), Rules(fromStore.StdOut));
    }

    [Fact]
    public async Task Runs_are_filtered_with_mlflow_search_syntax()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/hf-trainer-multi-eval-overfit", "examples/lightning-csv-mnist-cnn", "--store", store)).ExitCode);
        var lightning = await RunlensProcess.RunAsync("runs", "--store", store, "--filter", "attributes.run_name LIKE '%mnist%' or params.x = '1'");
        Assert.Equal(1, lightning.ExitCode);
        Assert.Contains("--filter: ", lightning.StdErr, StringComparison.Ordinal);
        var hf = await RunlensProcess.RunAsync("runs", "--store", store, "--filter", "metrics.eval_g0_loss > 0");
        Assert.Equal(0, hf.ExitCode);
        Assert.Contains("hf-trainer-state", Assert.Single(hf.StdOut.Trim().Split('\n')), StringComparison.Ordinal);
        var none = await RunlensProcess.RunAsync("runs", "--store", store, "--filter", "metrics.eval_g0_loss < -1");
        Assert.Equal(("", "runlens: no stored run matches"), (none.StdOut.Trim(), none.StdErr.Trim()));
    }

    [PostgresFact]
    public async Task The_same_commands_work_against_postgresql()
    {
        var connection = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)!;
        var schema = "cli_" + Guid.NewGuid().ToString("N");
        await using (var admin = new Npgsql.NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var cmd = admin.CreateCommand();
            cmd.CommandText = $"CREATE SCHEMA {schema}";
            await cmd.ExecuteNonQueryAsync();
        }

        var store = connection + ";Search Path=" + schema;
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/lightning-csv-mnist-cnn", "--store", store)).ExitCode);
        var runs = await RunlensProcess.RunAsync("runs", "--store", store);
        var id = Assert.Single(runs.StdOut.Trim().Split('\n')).Split("  ")[0];
        var analysis = await RunlensProcess.RunAsync("analyze", id, "--store", store, "--format", "json");
        Assert.Equal(0, analysis.ExitCode);
        using var doc = JsonDocument.Parse(analysis.StdOut);
        Assert.Equal("lightning-csv", doc.RootElement.GetProperty("run").GetProperty("source").GetProperty("format").GetString());
    }

    [Fact]
    public async Task An_unknown_run_id_is_a_clean_error()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        var r = await RunlensProcess.RunAsync("show", "no-such-run", "--store", store);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no run 'no-such-run' in the store", r.StdErr, StringComparison.Ordinal);
    }

    private static string[] Rules(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()! + ":" + f.GetProperty("title").GetString())];
    }
}
