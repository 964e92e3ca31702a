using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Runlens.Bench.DiagnosisScoring;
using Xunit.Abstractions;

namespace Runlens.Tests.Benchmark;

/// <summary>
/// The diagnosis benchmark (bench/diagnosis): the quick subset of the committed runs is diagnosed as `bench diagnosis`
/// does and no figure may fall below the one recorded in recorded.json; the labels follow the conditions table; the
/// scorer counts as the README says.
/// </summary>
public sealed class DiagnosisBenchmarkTests
{
    private readonly ITestOutputHelper _output;

    public DiagnosisBenchmarkTests(ITestOutputHelper output) => _output = output;

    private static readonly Lazy<BenchData> Data = new(() => BenchData.Load(BenchData.DefaultRoot()));

    [Fact]
    public async Task The_quick_subset_scores_no_lower_than_the_recorded_figures()
    {
        var bench = Data.Value;
        var runs = bench.Runs.Where(r => r.InQuickSubset).ToList();
        var sw = Stopwatch.StartNew();
        var outcomes = await BenchEvaluator.EvaluateAllAsync(runs);
        var scores = new[] { "tuning", "heldout" }
            .Select(s => BenchScorer.Score(s, [.. outcomes.Where(o => o.Truth.Split == s)], bench.Causes, bench.IgnoredRules))
            .ToList();
        _output.WriteLine($"diagnosed {runs.Count} runs of the quick subset in {sw.Elapsed.TotalSeconds:0.0} s");

        var recorded = RecordedFigures.Read(Path.Combine(bench.Root, BenchData.RecordedFile));
        var (drops, rises) = recorded.Compare(RecordedFigures.From(scores));
        foreach (var rise in rises)
        {
            _output.WriteLine("rose (record it with `dotnet run -c Release --project bench/Runlens.Bench -- diagnosis --record`): " + rise);
        }

        Assert.True(drops.IsEmpty, "figures below the recorded ones:\n" + string.Join("\n", drops));
        Assert.Equal(runs.Count, outcomes.Count(o => o.ImportError is null));
    }

    [Fact]
    public void Every_run_is_labelled_from_the_conditions_table_and_split_by_seed()
    {
        var bench = Data.Value;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bench.Root, "conditions.json")));
        var conditions = doc.RootElement.GetProperty("conditions").EnumerateArray().ToList();
        Assert.True(conditions.Count >= 18, $"{conditions.Count} conditions");
        Assert.True(bench.Runs.Length >= 300, $"{bench.Runs.Length} runs");

        foreach (var c in conditions)
        {
            foreach (var v in c.GetProperty("variants").EnumerateObject())
            {
                var faults = Strings(v.Value.TryGetProperty("faults", out var f) ? f : c.GetProperty("faults"));
                var allowed = Strings(c.GetProperty("allowed")).Concat(v.Value.TryGetProperty("allowed", out var a) ? Strings(a) : [])
                    .Where(r => !faults.Contains(r)).Distinct().Order(StringComparer.Ordinal).ToList();
                var cause = v.Value.TryGetProperty("cause", out var vc) ? vc.GetString() : c.GetProperty("cause").GetString();
                var runs = bench.Runs.Where(r => r.Truth.Condition == c.GetProperty("id").GetString() && r.Truth.Variant == v.Name).ToList();

                Assert.True(runs.Count >= 3, $"{c.GetProperty("id")}/{v.Name}: {runs.Count} seeds");
                Assert.Contains(runs, r => r.Truth.Split == "tuning");
                Assert.Contains(runs, r => r.Truth.Split == "heldout");
                foreach (var r in runs)
                {
                    Assert.Equal(faults.Order(StringComparer.Ordinal), r.Truth.Faults);
                    Assert.Equal(allowed, r.Truth.Allowed);
                    Assert.Equal(cause, r.Truth.RootCause);
                    Assert.Equal(r.Truth.Seed is 0 or 1 ? "tuning" : "heldout", r.Truth.Split);
                    Assert.True(File.Exists(r.LogPath) || Directory.Exists(r.LogPath), r.LogPath);
                }
            }
        }

        Assert.All(bench.Runs, r => Assert.True(bench.Causes.Accepts.ContainsKey(r.Truth.RootCause) || r.Truth.RootCause == "healthy",
            $"{r.Truth.Run}: cause '{r.Truth.RootCause}' is not in causes.json"));
    }

    [Fact]
    public void The_committed_runs_take_at_most_60_MB()
    {
        var runs = Path.Combine(Data.Value.Root, BenchData.RunsFolder);
        var bytes = Directory.EnumerateFiles(runs, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= 60_000_000, $"{bytes:N0} bytes");
    }

    [Fact]
    public void A_fault_that_stays_silent_is_a_miss_and_a_firing_neither_built_for_nor_allowed_is_a_false_alarm()
    {
        var overfit = Run("overfitting--loss-only--s2", "overfitting", ["overfitting"], ["early-stopping"]);
        var outcomes = new[]
        {
            Outcome(overfit, ["early-stopping", "overfitting", "plateau"], "trained-past-best"),
            Outcome(overfit with { Folder = "b" }, [], null),
            Outcome(Run("healthy-converged--mlp-digits--s2", "healthy", [], ["plateau"]), ["plateau"], null),
        };

        var score = BenchScorer.Score("heldout", outcomes, Causes, []);
        var overfitting = score.Rules.Single(r => r.Rule == "overfitting");
        var plateau = score.Rules.Single(r => r.Rule == "plateau");
        var early = score.Rules.Single(r => r.Rule == "early-stopping");

        Assert.Equal((1, 1, 0, 0), (overfitting.TruePositives, overfitting.FalseNegatives, overfitting.FalsePositives, overfitting.AllowedFirings));
        Assert.Equal(1.0, overfitting.Precision);
        Assert.Equal(0.5, overfitting.Recall);
        Assert.Equal((0, 0, 1, 1), (plateau.TruePositives, plateau.FalseNegatives, plateau.FalsePositives, plateau.AllowedFirings));
        Assert.Equal(0.0, plateau.Precision);
        Assert.Equal(1, early.AllowedFirings);
        Assert.Equal(1.0, early.Precision);
        Assert.Equal("overfitting", Assert.Single(overfitting.MeantFor));
        Assert.Equal(2, score.RootCauseRight); // the first overfitting run and the healthy run with no root cause
        Assert.Equal(2.0 / 3, score.RootCauseTop1, 12);
    }

    [Fact]
    public void A_healthy_run_is_right_only_without_a_root_cause_and_a_cause_only_with_an_id_it_accepts()
    {
        Assert.True(Causes.IsRight("healthy", null));
        Assert.False(Causes.IsRight("healthy", "trained-past-best"));
        Assert.True(Causes.IsRight("overfitting", "trained-past-best"));
        Assert.False(Causes.IsRight("overfitting", null));
        Assert.False(Causes.IsRight("overfitting", "unstable-optimisation"));
        Assert.False(Causes.IsRight("label-noise", "broken-values"));
    }

    [Fact]
    public void A_figure_below_its_recorded_value_fails_and_one_above_only_asks_to_record_it()
    {
        var recorded = new RecordedFigures(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
            KeyValuePair.Create("heldout", Figures(("root_cause_top1", 0.5), ("rule.overfitting.recall", 0.75), ("best_step_exact", 1.0)))]));
        var current = new RecordedFigures(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
            KeyValuePair.Create("heldout", Figures(("root_cause_top1", 0.6), ("rule.overfitting.recall", 0.7), ("best_step_exact", 1.0),
                ("rule.plateau.precision", 0.5)))]));

        var (drops, rises) = recorded.Compare(current);

        Assert.Equal(2, drops.Length);
        Assert.Contains(drops, d => d.StartsWith("heldout rule.overfitting.recall: 0.7 < recorded 0.75", StringComparison.Ordinal));
        Assert.Contains(drops, d => d.StartsWith("heldout rule.plateau.precision: 0.5 < 1", StringComparison.Ordinal));
        Assert.Equal("heldout root_cause_top1: 0.6 > recorded 0.5", Assert.Single(rises));
    }

    [Fact]
    public void Recorded_figures_survive_a_round_trip_through_recorded_json()
    {
        var figures = new RecordedFigures(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
            KeyValuePair.Create("tuning", Figures(("root_cause_top1", 0.3333), ("rule.lr-too-high.precision", 1.0)))]));
        var file = Path.GetTempFileName();
        try
        {
            figures.Write(file);
            var back = RecordedFigures.Read(file);
            Assert.Equal(figures.Splits["tuning"], back.Splits["tuning"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly CauseTable Causes = new(ImmutableDictionary.CreateRange(StringComparer.Ordinal, [
        KeyValuePair.Create("overfitting", ImmutableArray.Create("overfitting", "trained-past-best")),
        KeyValuePair.Create("label-noise", ImmutableArray.Create("label-noise"))]));

    private static BenchRun Run(string id, string cause, string[] faults, string[] allowed) =>
        new("a", new BenchTruth(id, id.Split("--")[0], id.Split("--")[1], 2, "heldout", "jsonl", "log/metrics.jsonl", null,
            [.. faults], [.. allowed], cause, "val/loss", 10));

    private static RunOutcome Outcome(BenchRun run, string[] fired, string? rootCause) =>
        new(run, "jsonl", null, [.. fired], [], rootCause, 10);

    private static ImmutableSortedDictionary<string, double> Figures(params (string Name, double Value)[] figures) =>
        figures.ToImmutableSortedDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
