using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Analysis.Comparison;

/// <summary>A config key whose value is not the same in every run (null where a run does not have it).</summary>
public sealed record ConfigDifference(string Key, ImmutableArray<string?> Values);

/// <summary>Best and final value of one metric in one run.</summary>
public sealed record MetricSummary(double Best, long BestStep, double Final, long FinalStep);

/// <summary>One metric across the runs (null where a run did not log it).</summary>
public sealed record MetricComparison(string Key, bool LowerIsBetter, ImmutableArray<MetricSummary?> PerRun);

/// <summary>
/// Several runs side by side: the config keys that differ (and only those) and, for every metric, each run's best and
/// final value. Best is the lowest value of a loss and the highest of any other metric; non-finite values are left out.
/// </summary>
public sealed record RunComparison(ImmutableArray<Run> Runs, ImmutableArray<ConfigDifference> Config, ImmutableArray<MetricComparison> Metrics)
{
    public static RunComparison Of(IReadOnlyList<Run> runs) => Of(runs, MetricNames.IsLoss);

    /// <summary>As <see cref="Of(IReadOnlyList{Run})"/>, with the direction of each metric given (true: lower is better).</summary>
    public static RunComparison Of(IReadOnlyList<Run> runs, Func<string, bool> lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(lowerIsBetter);
        var keys = runs.SelectMany(r => r.Config.Values.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var config = keys
            .Select(k => new ConfigDifference(k, [.. runs.Select(r => r.Config.Get(k)?.Text)]))
            .Where(d => d.Values.Distinct(StringComparer.Ordinal).Count() > 1)
            .ToImmutableArray();
        // Machine readings (system/*) have no best value: they are not compared as metrics.
        var metrics = runs.SelectMany(r => r.Series.Keys).Where(k => !SystemMetrics.IsSystem(k)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(k => new MetricComparison(k, lowerIsBetter(k), [.. runs.Select(r => Summary(r.Get(k), lowerIsBetter(k)))]))
            .ToImmutableArray();
        return new RunComparison([.. runs], config, metrics);
    }

    private static MetricSummary? Summary(Series? series, bool lowerIsBetter)
    {
        if (series is null)
        {
            return null;
        }

        SeriesPoint? best = null, final = null;
        foreach (var p in series.Points)
        {
            if (!double.IsFinite(p.Value))
            {
                continue;
            }

            final = p;
            if (best is not { } b || (lowerIsBetter ? p.Value < b.Value : p.Value > b.Value))
            {
                best = p;
            }
        }

        return best is { } x && final is { } f ? new MetricSummary(x.Value, x.Step, f.Value, f.Step) : null;
    }
}
