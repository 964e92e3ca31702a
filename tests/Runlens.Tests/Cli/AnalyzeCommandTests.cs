using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

/// <summary>The README's first command and the output contracts, through the real executable.</summary>
public sealed class AnalyzeCommandTests
{
    [Fact]
    public async Task The_readme_example_prints_a_diagnosis_and_exits_0()
    {
        var r = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("CRITICAL", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("Severe overfitting", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("", r.StdErr);
    }

    [Fact]
    public async Task Json_output_is_exactly_one_document_with_the_schema()
    {
        var r = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("runlens.diagnosis/v2", root.GetProperty("schema").GetString());
        Assert.Equal("val/g0_loss", root.GetProperty("summary").GetProperty("primary_metric").GetString());
        Assert.Equal(401, root.GetProperty("summary").GetProperty("best").GetProperty("step").GetInt64());
        Assert.Equal(12030, root.GetProperty("run").GetProperty("global_step").GetInt64());
        var rules = root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToList();
        // No predictions were given: the data and label rules are listed under coverage, not as a finding. The jump of
        // val/g0_loss at step 7,619 comes when it is already 95% above its best: overfitting's decline, not a sudden drop.
        Assert.Equal(["overfitting", "past-best-checkpoint", "early-stopping", "clipping-saturation"], rules);
        Assert.Equal(3, root.GetProperty("config_changes").GetProperty("early_stopping_patience").GetProperty("to").GetInt32());
    }

    [Fact]
    public async Task Out_writes_markdown_to_a_file_and_says_so_on_stderr()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "report.md");
        var r = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "md", "--out", file);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.StdOut);
        Assert.Contains("wrote " + file, r.StdErr, StringComparison.Ordinal);
        var md = await File.ReadAllTextAsync(file);
        foreach (var section in new[] { "## Summary", "## Key findings", "## Root causes", "## Recommendations", "### Configuration changes", "## Next steps" })
        {
            Assert.Contains(section, md, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Set_changes_a_rule_threshold()
    {
        var r = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json",
            "--set", "early-stopping.patience=10");
        using var doc = JsonDocument.Parse(r.StdOut);
        var es = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("rule").GetString() == "early-stopping");
        Assert.Equal(10, es.GetProperty("evidence").GetProperty("patience").GetInt32());
        Assert.Equal(401 * 11, es.GetProperty("evidence").GetProperty("stop_step").GetInt64());
    }

    [Fact]
    public async Task An_options_file_sets_thresholds_and_set_overrides_it()
    {
        using var dir = new TempDir();
        var config = dir.File("opts.yaml");
        await File.WriteAllTextAsync(config, "rules:\n  early-stopping:\n    patience: 7\n  overfitting:\n    min_rise: 0.1\n");

        var fromFile = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json", "--config", config);
        var overridden = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--format", "json",
            "--config", config, "--set", "early-stopping.patience=10");

        Assert.Equal(7, Patience(fromFile.StdOut));
        Assert.Equal(10, Patience(overridden.StdOut));

        static int Patience(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("findings").EnumerateArray()
                .Single(f => f.GetProperty("rule").GetString() == "early-stopping").GetProperty("evidence").GetProperty("patience").GetInt32();
        }
    }

    [Fact]
    public async Task A_bad_option_in_the_file_names_the_file_and_line()
    {
        using var dir = new TempDir();
        var config = dir.File("opts.yaml");
        await File.WriteAllTextAsync(config, "rules:\n  overfitting:\n    min_rise: 0.1\n    nope: 3\n");
        var r = await RunlensProcess.RunAsync("analyze", "examples/hf-trainer-multi-eval-overfit", "--config", config);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("opts.yaml: line 4:", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("has no option 'nope'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partly_damaged_log_is_analysed_and_the_damage_reported()
    {
        using var dir = new TempDir();
        var src = await File.ReadAllBytesAsync(Path.Combine(Fixtures.Example("hf-trainer-multi-eval-overfit"), "trainer_state.json"));
        var file = dir.File("run/trainer_state.json");
        await File.WriteAllBytesAsync(file, src[..(src.Length * 2 / 3)]);
        var r = await RunlensProcess.RunAsync("analyze", file, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        var events = doc.RootElement.GetProperty("run").GetProperty("events").EnumerateArray().ToList();
        var damage = Assert.Single(events, e => e.GetProperty("kind").GetString() == "import_damage");
        Assert.Equal(file, damage.GetProperty("file").GetString());
        Assert.StartsWith("offset ", damage.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Contains(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "overfitting");
    }
}
