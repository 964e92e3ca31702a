using System.Text.Json;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>
/// <c>runlens analyze LOG --data-dir DATA</c> on benchmark runs that ship the data they were trained on: a run whose
/// validation set was built with 70% of its rows copied from training, and one with a feature column that is the label,
/// lead their root causes with <c>leakage</c>, which cites the audit finding (split-leakage, feature-encodes-label) and
/// groups the run findings it explains, with a headline that says so; a healthy run with its sound data keeps the root
/// causes and errors it has without the data.
/// </summary>
public sealed class LeakageRootCauseTests
{
    private static string Run(string id) => Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", id);

    private static async Task<JsonElement> AnalyzeAsync(string id, bool withData)
    {
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Run(id), "truth.json")));
        var log = Path.Combine(Run(id), truth.RootElement.GetProperty("log").GetString()!);
        string[] args = withData ? ["analyze", log, "--data-dir", Path.Combine(Run(id), "data"), "--format", "json"] : ["analyze", log, "--format", "json"];
        var run = await RunlensProcess.RunAsync(args);
        Assert.Equal(0, run.ExitCode);
        return JsonDocument.Parse(run.StdOut).RootElement.Clone();
    }

    [Theory]
    [InlineData("leakage--duplicates--s0", "split-leakage")]
    [InlineData("leakage--target-feature--s0", "feature-encodes-label")]
    public async Task Leaked_validation_data_leads_the_root_causes_and_the_headline(string id, string auditRule)
    {
        var d = await AnalyzeAsync(id, withData: true);
        var first = d.GetProperty("root_causes")[0];
        Assert.Equal("leakage", first.GetProperty("id").GetString());
        var rules = first.GetProperty("rules").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(auditRule, rules[0]);
        Assert.Equal("critical", d.GetProperty("summary").GetProperty("status").GetString());
        Assert.StartsWith("Data leakage: ", d.GetProperty("summary").GetProperty("headline").GetString(), StringComparison.Ordinal);

        // every run finding the leak explains is grouped under it, not left as a cause of its own
        var others = d.GetProperty("root_causes").EnumerateArray().Skip(1).SelectMany(c => c.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.DoesNotContain(others, r => r is "overfitting" or "suspicious-values" or "past-best-checkpoint" or "early-stopping");
    }

    [Fact]
    public async Task A_healthy_run_with_its_sound_data_keeps_its_root_causes_and_errors()
    {
        const string id = "healthy-early-stopped--mlp-synthetic--s0";
        var plain = await AnalyzeAsync(id, withData: false);
        var audited = await AnalyzeAsync(id, withData: true);
        Assert.Equal(Ids(plain, "root_causes"), Ids(audited, "root_causes"));
        Assert.Equal(Errors(plain), Errors(audited));

        static List<string?> Ids(JsonElement d, string key) => [.. d.GetProperty(key).EnumerateArray().Select(c => c.GetProperty("id").GetString())];
        static List<string?> Errors(JsonElement d) => [.. d.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("severity").GetString() == "error").Select(f => f.GetProperty("rule").GetString())];
    }
    /// <summary>The audit's findings join the diagnosis without losing what the predictions gave it: the validation and
    /// the training-set predictions' sections are the same with and without <c>--data-dir</c>.</summary>
    [Fact]
    public async Task The_data_audit_keeps_the_validation_and_training_predictions_sections()
    {
        const string id = "leakage--duplicates--s0";
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Run(id), "truth.json")));
        var log = Path.Combine(Run(id), truth.RootElement.GetProperty("log").GetString()!);
        var predictions = Path.Combine(Run(id), truth.RootElement.GetProperty("predictions").GetString()!);
        string[] args = ["analyze", log, "--predictions", predictions, "--training-predictions", predictions, "--format", "json"];
        var plain = await RunlensProcess.RunAsync(args);
        var audited = await RunlensProcess.RunAsync([.. args, "--data-dir", Path.Combine(Run(id), "data")]);
        Assert.True(plain.ExitCode == 0, plain.StdErr);
        Assert.True(audited.ExitCode == 0, audited.StdErr);
        var before = JsonDocument.Parse(plain.StdOut).RootElement;
        var after = JsonDocument.Parse(audited.StdOut).RootElement;
        Assert.Equal(before.GetProperty("training_predictions").GetRawText(), after.GetProperty("training_predictions").GetRawText());
        Assert.Equal(before.GetProperty("predictions").GetRawText(), after.GetProperty("predictions").GetRawText());
        Assert.Equal("leakage", after.GetProperty("root_causes")[0].GetProperty("id").GetString());
    }
}
