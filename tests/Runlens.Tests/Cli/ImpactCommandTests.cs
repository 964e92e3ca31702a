using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens impact</c> as a real process: a generated sweep written as an MLflow file store, imported into a
/// temporary SQLite store or given as a path.</summary>
public sealed class ImpactCommandTests
{
    [Fact]
    public async Task Impact_over_an_experiment_in_the_store_ranks_the_parameters_that_matter_first_in_json()
    {
        using var dir = new TempDir();
        var tree = SyntheticSweep.WriteMlruns(dir.Path, SyntheticSweep.Generate(60, 1));
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", tree, "--store", store)).ExitCode);

        var r = await RunlensProcess.RunAsync("impact", "--experiment", "sweep", "--store", store, "--format", "json");

        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("runlens.impact/v1", root.GetProperty("schema").GetString());
        Assert.Equal("val/loss", root.GetProperty("metric").GetProperty("key").GetString());
        Assert.Equal("best", root.GetProperty("metric").GetProperty("value").GetString());
        Assert.Equal(60, root.GetProperty("runs").GetInt32());
        var parameters = root.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(6, parameters.Count);
        Assert.Equal(SyntheticSweep.Matter.Order(), parameters.Take(2).Select(p => p.GetProperty("key").GetString()!).Order());
        Assert.True(parameters[0].GetProperty("importance").GetProperty("above_zero").GetBoolean());
        Assert.Equal("categorical", parameters.Single(p => p.GetProperty("key").GetString() == "optimizer").GetProperty("kind").GetString());
        Assert.Equal(5, root.GetProperty("forest").GetProperty("held_out_r2").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("finding_rates").ValueKind);
        Assert.Empty(root.GetProperty("caveats").EnumerateArray());
    }

    [Fact]
    public async Task Impact_over_paths_prints_text_and_markdown()
    {
        using var dir = new TempDir();
        var tree = SyntheticSweep.WriteMlruns(dir.Path, SyntheticSweep.Generate(30, 2));

        var text = await RunlensProcess.RunAsync("impact", tree);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.StartsWith("Hyperparameter impact on best val/loss (lower is better)", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("learning_rate", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("forest: 5 fits of 50 trees", text.StdOut, StringComparison.Ordinal);

        var md = Path.Combine(dir.Path, "impact.md");
        var written = await RunlensProcess.RunAsync("impact", tree, "--format", "md", "--out", md, "--value", "final");
        Assert.Equal(0, written.ExitCode);
        Assert.Contains("wrote", written.StdErr, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(md);
        Assert.StartsWith("# Hyperparameter impact on final val/loss", markdown, StringComparison.Ordinal);
        Assert.Contains("| parameter | kind | importance ± std |", markdown, StringComparison.Ordinal);
        Assert.Contains("### `optimizer`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_runs_are_reported_as_a_caveat()
    {
        using var dir = new TempDir();
        var tree = SyntheticSweep.WriteMlruns(dir.Path, SyntheticSweep.Generate(4, 2));
        var r = await RunlensProcess.RunAsync("impact", tree, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Contains(doc.RootElement.GetProperty("caveats").EnumerateArray(), c => c.GetString()!.StartsWith("Only 4 run(s) have a best val/loss", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("forest").ValueKind);
    }

    [Fact]
    public async Task An_unknown_experiment_or_metric_is_one_clear_line_and_exit_code_2()
    {
        using var dir = new TempDir();
        var tree = SyntheticSweep.WriteMlruns(dir.Path, SyntheticSweep.Generate(6, 2));
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", tree, "--store", store)).ExitCode);

        var experiment = await RunlensProcess.RunAsync("impact", "--experiment", "nope", "--store", store);
        Assert.Equal(2, experiment.ExitCode);
        Assert.Equal("runlens: no runs of experiment 'nope' in the store; experiments: sweep", experiment.StdErr.Trim());
        Assert.Empty(experiment.StdOut);

        var metric = await RunlensProcess.RunAsync("impact", "--experiment", "sweep", "--store", store, "--metric", "val/f1");
        Assert.Equal(2, metric.ExitCode);
        Assert.Equal("runlens: --metric: no run logged a metric 'val/f1'; metrics logged: train/loss, val/loss", metric.StdErr.Trim());

        var nothing = await RunlensProcess.RunAsync("impact");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Single(nothing.StdErr.Trim().Split('\n'));
    }
}
