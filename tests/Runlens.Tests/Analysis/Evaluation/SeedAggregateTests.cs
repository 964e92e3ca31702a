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
        var agg = SeedAggregate.Of(runs, "f1_macro", true).Metrics["f1_macro"];
        Assert.Equal([0.81, 0.84, 0.79], agg.Values.ToArray());
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
