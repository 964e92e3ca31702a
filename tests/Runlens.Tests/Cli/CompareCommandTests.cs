using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary><c>runlens compare</c> through the real executable: formats, the documented JSON fields, runs from a path
/// holding several runs and from the store, and bad input.</summary>
public sealed class CompareCommandTests
{
    private const string Mnist = "examples/lightning-csv-mnist-cnn";
    private const string Lstm = "examples/tensorboard-lightning-lstm-text-generation";
    private const string Brats = "examples/keras-csvlogger-brats-unet-lr-plateau";

    /// <summary>Every field docs/comparison.md documents, by path.</summary>
    internal static readonly string[] TopLevel = ["schema", "runs", "primary_metric", "ranking", "best", "seeds", "config", "metrics", "stability", "findings", "recommendations"];

    [Fact]
    public async Task Json_is_one_document_with_every_documented_field()
    {
        var r = await RunlensProcess.RunAsync("compare", Mnist, Lstm, Brats, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal(TopLevel, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("runlens.comparison/v1", root.GetProperty("schema").GetString());

        var run = root.GetProperty("runs")[0];
        Assert.Equal(["label", "id", "name", "source", "status", "headline", "primary_metric", "findings"], run.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("runs").GetArrayLength());

        var primary = root.GetProperty("primary_metric");
        Assert.Equal(["key", "greater_is_better", "source", "agreed", "per_run", "note"], primary.EnumerateObject().Select(p => p.Name));
        Assert.Equal("val/loss", primary.GetProperty("key").GetString());

        var ranked = root.GetProperty("ranking")[0];
        Assert.Equal(["rank", "run", "best", "final", "gap_to_best"], ranked.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["run", "metric", "value", "step", "second", "margin"], root.GetProperty("best").EnumerateObject().Select(p => p.Name));
        // MNIST val_loss reaches 0.014, the lowest of the three (BraTS 0.0345).
        Assert.Equal("lightning-csv-mnist-cnn", root.GetProperty("best").GetProperty("run").GetString());

        var seeds = root.GetProperty("seeds");
        Assert.Equal(["verdict", "message", "seed_keys", "margin", "pooled_std", "noise", "groups"], seeds.EnumerateObject().Select(p => p.Name));
        Assert.Equal("seeds_unknown", seeds.GetProperty("verdict").GetString());
        Assert.Equal(["runs", "values", "mean", "std", "min", "max", "seeds_differ"], seeds.GetProperty("groups")[0].EnumerateObject().Select(p => p.Name));

        foreach (var c in root.GetProperty("config").EnumerateArray())
        {
            Assert.Equal(["key", "kind", "values"], c.EnumerateObject().Select(p => p.Name));
            Assert.Contains(c.GetProperty("kind").GetString(), new[] { "setting", "seed", "bookkeeping" });
        }

        var metric = root.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "val/loss");
        Assert.Equal(["key", "greater_is_better", "target", "target_given", "common_step", "runs"], metric.EnumerateObject().Select(p => p.Name));
        var perRun = metric.GetProperty("runs").GetProperty("lightning-csv-mnist-cnn");
        Assert.Equal(["best", "final", "target_step", "at_common_step", "points"], perRun.EnumerateObject().Select(p => p.Name));

        var stability = root.GetProperty("stability").GetProperty("lightning-csv-mnist-cnn");
        Assert.Equal(["loss_key", "loss_std", "loss_std_from_step", "loss_std_points", "non_finite_loss", "grad_norm_median", "grad_norm_max"],
            stability.EnumerateObject().Select(p => p.Name));

        Assert.Equal(["unique", "common", "partial"], root.GetProperty("findings").EnumerateObject().Select(p => p.Name));
        var finding = root.GetProperty("findings").EnumerateObject().SelectMany(p => p.Value.EnumerateArray()).First();
        Assert.Equal(["rule", "id", "series", "severity", "title", "runs"], finding.EnumerateObject().Select(p => p.Name));

        var rec = root.GetProperty("recommendations")[0];
        Assert.Equal(["kind", "action", "runs", "config_change"], rec.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Text_names_the_best_run_and_markdown_has_every_section()
    {
        var text = await RunlensProcess.RunAsync("compare", Mnist, Brats);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("2 runs compared", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("best", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("Recommendations", text.StdOut, StringComparison.Ordinal);

        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "cmp.md");
        var md = await RunlensProcess.RunAsync("compare", Mnist, Brats, "--format", "md", "--out", file);
        Assert.Equal(0, md.ExitCode);
        Assert.Equal("", md.StdOut);
        Assert.Contains("wrote " + file, md.StdErr, StringComparison.Ordinal);
        var body = await File.ReadAllTextAsync(file);
        foreach (var section in new[] { "# Comparison of 2 runs", "## Summary", "## Ranking", "## Config that differs", "## Curves", "## Stability", "## Findings", "## Recommendations" })
        {
            Assert.Contains(section, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_target_is_used_for_steps_to_target()
    {
        var r = await RunlensProcess.RunAsync("compare", Mnist, Brats, "--format", "json", "--target", "0.05");
        using var doc = JsonDocument.Parse(r.StdOut);
        var m = doc.RootElement.GetProperty("metrics").EnumerateArray().Single(x => x.GetProperty("key").GetString() == "val/loss");
        Assert.True(m.GetProperty("target_given").GetBoolean());
        Assert.Equal(0.05, m.GetProperty("target").GetDouble());
    }

    [Fact]
    public async Task Fewer_than_two_runs_is_a_usage_error()
    {
        var r = await RunlensProcess.RunAsync("compare", Mnist);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.StdOut);
        Assert.Contains("at least two runs", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_that_is_neither_a_log_nor_a_stored_run_is_one_clear_line_and_exit_2()
    {
        using var dir = new TempDir();
        var r = await RunlensProcess.RunAsync("compare", Mnist, "no-such-run", "--store", Path.Combine(dir.Path, "none.db"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdOut);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("runlens: no-such-run: no such file or folder", line, StringComparison.Ordinal);
        Assert.Contains("runlens runs", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_log_names_the_file_and_exits_2()
    {
        using var dir = new TempDir();
        var bad = dir.File("trainer_state.json");
        await File.WriteAllTextAsync(bad, "{\"log_history\": [ {\"loss\": 1.0, \"step\": ");
        var r = await RunlensProcess.RunAsync("compare", Mnist, bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(bad, r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_in_the_store_are_found_by_name()
    {
        using var dir = new TempDir();
        var store = Path.Combine(dir.Path, "runs.db");
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", Mnist, "--store", store)).ExitCode);
        Assert.Equal(0, (await RunlensProcess.RunAsync("import", Brats, "--store", store)).ExitCode);

        var r = await RunlensProcess.RunAsync("compare", "lightning-csv-mnist-cnn", "keras-csvlogger-brats-unet-lr-plateau", "--store", store, "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(["lightning-csv-mnist-cnn", "keras-csvlogger-brats-unet-lr-plateau"],
            doc.RootElement.GetProperty("runs").EnumerateArray().Select(x => x.GetProperty("name").GetString()));
    }

    [SharedFact]
    public async Task A_folder_of_several_runs_contributes_all_of_them()
    {
        var r = await RunlensProcess.RunAsync("compare", Fixtures.Shared("mlflow-keras-autolog-tweet-classification"), "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(5, doc.RootElement.GetProperty("runs").GetArrayLength());
        // No run logged validation metrics: ranked by training loss, and the note says so.
        Assert.Equal("train/loss", doc.RootElement.GetProperty("primary_metric").GetProperty("key").GetString());
        Assert.Contains("not how well it generalises", doc.RootElement.GetProperty("primary_metric").GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_property_the_json_writes_is_documented()
    {
        var r = await RunlensProcess.RunAsync("compare", Mnist, Lstm, Brats, "--format", "json");
        using var doc = JsonDocument.Parse(r.StdOut);
        var labels = doc.RootElement.GetProperty("runs").EnumerateArray().Select(x => x.GetProperty("label").GetString()!).ToHashSet();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Collect(doc.RootElement);
        var docs = await File.ReadAllTextAsync(Path.Combine(Fixtures.RepoRoot, "docs", "comparison.md"));
        var undocumented = names.Where(n => !docs.Contains("`" + n + "`", StringComparison.Ordinal) && !docs.Contains("`" + n + "[]`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "not in docs/comparison.md: " + string.Join(", ", undocumented));

        void Collect(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    // Maps keyed by run label or config key are data, not schema.
                    if (!labels.Contains(p.Name) && p.Name != "config_change")
                    {
                        names.Add(p.Name);
                    }

                    if (p.Name != "config_change")
                    {
                        Collect(p.Value);
                    }
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in e.EnumerateArray())
                {
                    Collect(x);
                }
            }
        }
    }
}
