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

    /// <summary>Reads the series' shared value array (<see cref="Signals.SeriesValues"/>, already built when the run was
    /// diagnosed), so that runs of millions of points are compared in milliseconds.</summary>
    private static MetricSummary? Summary(Series? series, bool lowerIsBetter)
    {
        if (series is null)
        {
            return null;
        }

        var values = Signals.SeriesValues.Of(series);
        int best = -1, final = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v))
            {
                continue;
            }

            final = i;
            if (best < 0 || (lowerIsBetter ? v < values[best] : v > values[best]))
            {
                best = i;
            }
        }

        return best >= 0 ? new MetricSummary(values[best], series.Points[best].Step, values[final], series.Points[final].Step) : null;
    }
}
