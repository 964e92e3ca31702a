using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Which eval series the Trainer's <c>best_metric</c> came from (<c>metric_for_best_model</c> is not saved in the state) and
/// which direction is better: the eval series whose value at the best step equals <c>best_metric</c>; better is up when
/// <c>best_metric</c> is the series' maximum rather than its minimum.
/// </summary>
internal static class HfBestMetric
{
    private const double RelativeTolerance = 1e-12;

    public static (string? Key, bool? GreaterIsBetter) Infer(ImmutableSortedDictionary<string, Series> series, double? bestMetric, long? bestStep)
    {
        if (bestMetric is not { } best || !double.IsFinite(best))
        {
            return (null, null);
        }

        var evals = series.Values.Where(s => MetricNames.SplitOf(s.Key) == "val").ToList();
        List<Series> matches = [];
        if (bestStep is { } step)
        {
            matches = evals.Where(s => s.Points.Any(p => p.Step == step && Same(p.Value, best))).ToList();
        }

        if (matches.Count == 0)
        {
            matches = evals.Where(s => s.Points.Any(p => Same(p.Value, best))).ToList();
        }

        if (matches.Count != 1)
        {
            return (null, null);
        }

        var match = matches[0];
        return (match.Key, Direction(match, best, bestStep));
    }

    private static bool? Direction(Series series, double best, long? bestStep)
    {
        var direction = Direction(series.Points, best);
        if (direction is null && bestStep is { } step)
        {
            // later evals (after the state's best was chosen) may lie beyond it: judge on the evals up to the best step
            direction = Direction(series.Points.Where(p => p.Step <= step), best);
        }

        return direction;
    }

    private static bool? Direction(IEnumerable<SeriesPoint> points, double best)
    {
        var finite = points.Select(p => p.Value).Where(double.IsFinite).ToList();
        if (finite.Count < 2)
        {
            return null;
        }

        var isMax = Same(finite.Max(), best);
        var isMin = Same(finite.Min(), best);
        return isMax == isMin ? null : isMax;
    }

    private static bool Same(double a, double b) =>
        a == b || Math.Abs(a - b) <= RelativeTolerance * Math.Max(Math.Abs(a), Math.Abs(b));
}
