using System.Text.Json;
using Runlens.Analysis.Evaluation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Evaluation;

/// <summary>Seed aggregates against numpy/scipy (tests/fixtures/oracles/seeds/seeds.json, written by make_seeds.py), to
/// 1e-9: MathNet's Student-t quantile agrees with scipy's to about 1e-11.</summary>
public sealed class SeedAggregateTests
{
    [Fact]
    public void Mean_std_range_and_t_interval_match_scipy()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "seeds", "seeds.json"))));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(7, cases.Count);
        foreach (var c in cases)
        {
            var values = c.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var a = SeedAggregate.Aggregate(values);
            Close(c.GetProperty("mean").GetDouble(), a.Mean);
            Close(c.GetProperty("std").GetDouble(), a.Std);
            Assert.Equal(c.GetProperty("min").GetDouble(), a.Min);
            Assert.Equal(c.GetProperty("max").GetDouble(), a.Max);
            Close(c.GetProperty("ci95")[0].GetDouble(), a.Ci95.Low);
            Close(c.GetProperty("ci95")[1].GetDouble(), a.Ci95.High);
        }
    }

    [Fact]
    public void The_best_seed_follows_the_primary_metric_direction()
    {
        var runs = new List<(string, IReadOnlyDictionary<string, double>)>
        {
            ("seed-1", new Dictionary<string, double> { ["f1_macro"] = 0.81, ["log_loss"] = 0.40 }),
            ("seed-2", new Dictionary<string, double> { ["f1_macro"] = 0.84, ["log_loss"] = 0.45 }),
            ("seed-3", new Dictionary<string, double> { ["f1_macro"] = 0.79, ["log_loss"] = 0.38 }),
        };
        Assert.Equal("seed-2", SeedAggregate.Of(runs, "f1_macro", greaterIsBetter: true).BestSeed);
        Assert.Equal("seed-3", SeedAggregate.Of(runs, "log_loss", greaterIsBetter: false).BestSeed);
        var all = SeedAggregate.Of(runs, "f1_macro", true);
        var agg = all.Metrics["f1_macro"];
        Assert.Equal([0.81, 0.84, 0.79], agg.Values.ToArray());
        Assert.Equal("seed-2", agg.BestSeed);
        Assert.Equal("seed-3", all.Metrics["log_loss"].BestSeed); // lower is better for losses
    }

    [Fact]
    public void A_single_run_has_no_spread()
    {
        var a = SeedAggregate.Aggregate([0.9]);
        Assert.Equal(0.9, a.Mean);
        Assert.True(double.IsNaN(a.Std));
        Assert.True(double.IsNaN(a.Ci95.Low));
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}

public sealed class SeedVarianceRuleTests
{
    private static SeedAggregate Seeds(params double[] f1) =>
        SeedAggregate.Of([.. f1.Select((v, i) => ($"seed{i}", (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["f1_macro"] = v }))], "f1_macro", true);

    [Fact]
    public void A_tight_spread_is_information_and_a_claim_inside_the_noise_is_a_warning()
    {
        var tight = PredictionRules.DiagnoseSeeds(Seeds(0.850, 0.852, 0.848, 0.851, 0.849));
        var f = Assert.Single(tight);
        Assert.Equal(Runlens.Analysis.Findings.Severity.Info, f.Severity);

        var settings = Runlens.Analysis.Rules.RuleSettings.Parse(["seed-variance.claimed_difference=0.001"], Runlens.Analysis.Rules.RuleCatalog.All);
        var claim = Assert.Single(PredictionRules.DiagnoseSeeds(Seeds(0.850, 0.852, 0.848, 0.851, 0.849), settings));
        Assert.Equal(Runlens.Analysis.Findings.Severity.Warning, claim.Severity);
        Assert.Contains("within seed noise", claim.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_run_never_sees_the_across_runs_rules()
    {
        var d = new Runlens.Analysis.Diagnoses.Diagnoser().Diagnose(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 1, 0.5)).Build());
        Assert.DoesNotContain(d.Coverage.Missing, m => m.Signal == "seeds");
        Assert.DoesNotContain("seed-variance", d.Coverage.RulesRun);
    }
}
