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
        var id = Assert.Single(Rows(runs.StdOut)).Split("  ")[0];

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
        Assert.Contains("hf-trainer-state", Assert.Single(Rows(hf.StdOut)), StringComparison.Ordinal);
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
        var id = Assert.Single(Rows(runs.StdOut)).Split("  ")[0];
        var analysis = await RunlensProcess.RunAsync("analyze", id, "--store", store, "--format", "json");
        Assert.Equal(0, analysis.ExitCode);
        using var doc = JsonDocument.Parse(analysis.StdOut);
        Assert.Equal("lightning-csv", doc.RootElement.GetProperty("run").GetProperty("source").GetProperty("format").GetString());
    }

    [Fact]
    public async Task Runs_prints_column_headers_and_orders_and_pages_with_mlflow_search_syntax()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/hf-trainer-multi-eval-overfit", "examples/lightning-csv-mnist-cnn", "--store", store)).ExitCode);
        var runs = await RunlensProcess.RunAsync("runs", "--store", store, "--order-by", "attributes.run_name DESC", "--limit", "1");
        Assert.Equal(0, runs.ExitCode);
        var lines = runs.StdOut.TrimEnd().Split('\n');
        Assert.Equal(["ID", "NAME", "EXPERIMENT", "STATUS", "SERIES", "POINTS", "FORMAT", "SOURCE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("lightning-csv", Assert.Single(lines[1..]), StringComparison.Ordinal);
        var token = runs.StdErr.Trim().Split("--page-token ")[1];
        var next = await RunlensProcess.RunAsync("runs", "--store", store, "--order-by", "attributes.run_name DESC", "--limit", "1", "--page-token", token);
        Assert.Contains("hf-trainer-state", Assert.Single(Rows(next.StdOut)), StringComparison.Ordinal);
        Assert.Equal("", next.StdErr);

        // the metric vocabulary: eval_g0_loss is the key val/g0_loss; a name no run has lists those there are
        Assert.Contains("hf-trainer-state", Assert.Single(Rows((await RunlensProcess.RunAsync("runs", "--store", store, "--filter", "metrics.\"val/g0_loss\" > 0")).StdOut)), StringComparison.Ordinal);
        var unknown = await RunlensProcess.RunAsync("runs", "--store", store, "--filter", "metrics.eval_g0_los > 0");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("runlens: metrics.eval_g0_los: no stored run has a metric named 'eval_g0_los' (nor 'val/g0_los'); the closest are: eval_g0_loss, ", unknown.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_run_id_says_the_store_has_no_such_run()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/hf-trainer-multi-eval-overfit", "--store", store)).ExitCode);
        var expected = $"no run with id or name 'no-such-run' in {store}";
        foreach (var args in new[] { ["show", "no-such-run"], ["analyze", "no-such-run"], new[] { "compare", "no-such-run", "examples/hf-trainer-multi-eval-overfit" } })
        {
            var r = await RunlensProcess.RunAsync([.. args, "--store", store]);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("no such file or folder", r.StdErr, StringComparison.Ordinal);
            Assert.Single(r.StdErr.Trim().Split('\n'));
        }
    }

    [Fact]
    public async Task A_folder_or_a_file_that_is_not_a_store_is_one_line_and_exit_code_2()
    {
        using var dir = new TempDir();
        var notes = Path.Combine(dir.Path, "notes.txt");
        await File.WriteAllTextAsync(notes, "not a database, just some text that is long enough\n");
        foreach (var command in new[] { "runs", "import examples/lightning-csv-mnist-cnn", "show x", "analyze x", "mcp" })
        {
            foreach (var (store, why) in new[] { (dir.Path, "it is a folder"), (notes, "the file is not a SQLite database") })
            {
                var r = await RunlensProcess.RunAsync([.. command.Split(' '), "--store", store]);
                Assert.Equal(2, r.ExitCode);
                Assert.Equal($"runlens: {store}: not a Runlens store (a SQLite database) — {why}", r.StdErr.Trim().Split(';')[0]);
                Assert.Single(r.StdErr.Trim().Split('\n'));
            }
        }

        Assert.Equal("not a database, just some text that is long enough\n", await File.ReadAllTextAsync(notes));
    }

    [Fact]
    public async Task A_command_that_reads_creates_no_store_file_or_folder()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "no", "such", "dir", "x.db");
        foreach (var command in new[] { "runs", "show x", "analyze x", "compare x y", "impact --experiment e", "watch x" })
        {
            var r = await RunlensProcess.RunAsync([.. command.Split(' '), "--store", store]);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Single(r.StdErr.Trim().Split('\n'));
            Assert.False(Directory.Exists(Path.Combine(dir.Path, "no")), command);
        }

        var runs = await RunlensProcess.RunAsync("runs", "--store", store);
        Assert.Equal(2, runs.ExitCode);
        Assert.Equal($"runlens: {store}: no Runlens store here — the folder {Path.GetDirectoryName(store)} does not exist; check --store (or $RUNLENS_STORE), or create a store with `runlens import PATH --store FILE`", runs.StdErr.Trim());

        // a command that writes creates it
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/lightning-csv-mnist-cnn", "--store", store)).ExitCode);
        Assert.True(File.Exists(store));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_store_that_cannot_be_read_is_one_line_and_exit_code_2()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", "examples/lightning-csv-mnist-cnn", "--store", store)).ExitCode);
        File.SetUnixFileMode(store, UnixFileMode.None);
        // root reads any file: run the command as nobody then
        var r = Environment.UserName == "root" ? await AsNobodyAsync(dir, "runs", "--store", store) : await RunlensProcess.RunAsync("runs", "--store", store);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"runlens: {store}: cannot read the Runlens store — ", r.StdErr, StringComparison.Ordinal);
        Assert.EndsWith("; check the file's permissions", r.StdErr.Trim(), StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    /// <summary>Every line of a <c>runlens runs</c> listing but its header.</summary>
    private static string[] Rows(string stdout)
    {
        var lines = stdout.TrimEnd().Split('\n');
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        return lines[1..];
    }

    /// <summary>The CLI run by the unprivileged user nobody (who can read the build, not the store).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task<RunlensProcess.Result> AsNobodyAsync(TempDir dir, params string[] args)
    {
        var home = Path.Combine(dir.Path, "home");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1ED);
        var psi = new System.Diagnostics.ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Fixtures.RepoRoot };
        foreach (var a in (string[])["-u", "nobody", "--", "env", "DOTNET_CLI_HOME=" + home, "HOME=" + home, "NO_COLOR=1", "dotnet", Path.Combine(AppContext.BaseDirectory, "runlens.dll"), .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return new RunlensProcess.Result(p.ExitCode, await stdout, await stderr);
    }

    private static string[] Rules(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()! + ":" + f.GetProperty("title").GetString())];
    }
}
