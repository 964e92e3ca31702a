using System.Collections.Immutable;
using MathNet.Numerics.Distributions;

namespace Runlens.Analysis.Evaluation;

/// <summary>One metric across runs that differ only by seed (seed 003's result structure).</summary>
/// <param name="Values">The metric of each run, in run order.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Std">Sample standard deviation (ddof 1); NaN for a single run.</param>
/// <param name="Ci95">Student-t 95% interval of the mean with n − 1 degrees of freedom: mean ± t(0.975, n−1)·std/√n;
/// NaN bounds for a single run.</param>
public sealed record MetricAggregate(ImmutableArray<double> Values, double Mean, double Std, double Min, double Max, (double Low, double High) Ci95)
{
    /// <summary>The run with the best value of this metric (lower is better for losses and calibration errors).</summary>
    public string? BestSeed { get; init; }
}

/// <summary>Every metric across seeds, and the best seed by the primary metric.</summary>
public sealed record SeedAggregate(ImmutableSortedDictionary<string, MetricAggregate> Metrics, string? BestSeed, string PrimaryMetric)
{
    /// <summary>Aggregates the metrics of several runs. A metric missing (or NaN) in some runs is aggregated over the runs
    /// that have it. The best seed is the run with the best <paramref name="primaryMetric"/> (the first on ties).</summary>
    public static SeedAggregate Of(IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> runs, string primaryMetric, bool greaterIsBetter)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var names = runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal);
        var b = ImmutableSortedDictionary.CreateBuilder<string, MetricAggregate>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var present = runs.Where(r => r.Metrics.TryGetValue(name, out var v) && double.IsFinite(v)).ToList();
            if (present.Count > 0)
            {
                b[name] = Aggregate([.. present.Select(r => r.Metrics[name])]) with { BestSeed = BestOf(runs, name, !LowerIsBetter(name)) };
            }
        }

        var best = BestOf(runs, primaryMetric, greaterIsBetter);
        return new SeedAggregate(b.ToImmutable(), best, primaryMetric);
    }

    /// <summary>The run with the best finite value of <paramref name="metric"/>, the first on ties; null when none has one.</summary>
    private static string? BestOf(IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> runs, string metric, bool greaterIsBetter)
    {
        string? best = null;
        var bestValue = double.NaN;
        foreach (var (runName, metrics) in runs)
        {
            if (metrics.TryGetValue(metric, out var v) && double.IsFinite(v) && (best is null || (greaterIsBetter ? v > bestValue : v < bestValue)))
            {
                best = runName;
                bestValue = v;
            }
        }

        return best;
    }

    /// <summary>Metrics where lower is better: losses, Brier score, calibration error, entropy.</summary>
    public static bool LowerIsBetter(string metric) =>
        metric.Contains("loss", StringComparison.Ordinal) || metric is "brier" or "ece" or "entropy_mean";

    public static MetricAggregate Aggregate(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        var mean = sum / n;
        var ss = 0.0;
        foreach (var v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        var std = n > 1 ? Math.Sqrt(ss / (n - 1)) : double.NaN;
        var half = n > 1 ? StudentT.InvCDF(0, 1, n - 1, 0.975) * std / Math.Sqrt(n) : double.NaN;
        return new MetricAggregate([.. values], mean, std, values.Min(), values.Max(), (mean - half, mean + half));
    }
}
