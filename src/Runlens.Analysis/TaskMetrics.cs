using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis;

/// <summary>How a task metric moved after the validation loss's best evaluation.</summary>
/// <param name="Metric">The task metric (accuracy, F1, WER, ROUGE, …).</param>
/// <param name="GreaterIsBetter">Its direction.</param>
/// <param name="LossBestStep">The step where the validation loss was lowest.</param>
/// <param name="AtLossBest">The metric at (or just before) that step.</param>
/// <param name="BestStep">The step of the metric's own best value.</param>
/// <param name="Best">The metric's best value.</param>
/// <param name="Final">The metric's last value.</param>
/// <param name="EvalsApart">Evaluations between the two bests.</param>
/// <param name="Gain">Relative improvement of the metric from the loss's best step to its own best (positive = better).</param>
public sealed record TaskMetricMove(Series Metric, bool GreaterIsBetter, long LossBestStep, double AtLossBest, long BestStep,
    double Best, double Final, int EvalsApart, double Gain);

/// <summary>Validation metrics other than losses: what the task is judged by.</summary>
public static class TaskMetrics
{
    private static readonly string[] AggregatePrefixes = ["", "overall_", "macro_", "micro_", "weighted_", "mean_"];

    private static readonly string[] Preferred = ["f1", "accuracy", "wer", "cer", "rouge", "bleu", "auc", "precision", "recall", "exact_match", "map", "iou", "dice"];

    /// <summary>The validation task metric to compare with the loss: the primary metric when it is not a loss, else the
    /// best-known name, else the first validation non-loss series with at least three evaluations.</summary>
    public static Series? Find(RunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Primary is { } p && !MetricNames.IsLossName(p.Key) && p.Count >= 3)
        {
            return p;
        }

        var candidates = run.Run.Series.Values
            .Where(s => s.Count >= 3 && MetricNames.SplitOf(s.Key) == "val" && !MetricNames.IsLossName(s.Key) && !MetricNames.IsBookkeeping(s.Key))
            .ToList();
        // An overall figure, never a per-class one (NER logs T005_f1 for each of 33 types beside overall_f1).
        foreach (var name in Preferred)
        {
            foreach (var prefix in AggregatePrefixes)
            {
                var hit = candidates.FirstOrDefault(s => string.Equals(MetricNames.NameOf(s.Key), prefix + name, StringComparison.OrdinalIgnoreCase));
                if (hit is not null)
                {
                    return hit;
                }
            }
        }

        return candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>Every overall validation task metric (accuracy, F1, macro F1, WER, …; no per-class scores).</summary>
    public static IReadOnlyList<Series> FindAll(RunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. run.Run.Series.Values.Where(s => s.Count >= 3 && MetricNames.SplitOf(s.Key) == "val" && !MetricNames.IsLossName(s.Key)
            && Preferred.Any(name => AggregatePrefixes.Any(prefix => string.Equals(MetricNames.NameOf(s.Key), prefix + name, StringComparison.OrdinalIgnoreCase))))];
    }

    /// <summary>Direction of a metric: lower is better for losses and error rates (WER, CER, MAE, …).</summary>
    public static bool GreaterIsBetter(RunView run, Series metric)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        return ReferenceEquals(metric, run.Primary) ? run.PrimaryGreaterIsBetter : !MetricNames.IsLoss(metric.Key);
    }

    /// <summary>How the task metric moved after the validation loss's minimum; null without a validation loss and a task
    /// metric evaluated at least twice after that minimum.</summary>
    public static TaskMetricMove? AfterLossBest(RunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var loss = run.ValLoss;
        var metric = Find(run);
        if (loss is null || metric is null)
        {
            return null;
        }

        var lv = SeriesValues.Of(loss);
        var lb = SeriesMath.ArgBest(lv, greaterIsBetter: false);
        if (lb < 0)
        {
            return null;
        }

        var lossBestStep = loss.Points[lb].Step;
        var greater = GreaterIsBetter(run, metric);
        var mv = SeriesValues.Of(metric);
        var atIndex = -1;
        for (var i = 0; i < metric.Count && metric.Points[i].Step <= lossBestStep; i++)
        {
            atIndex = i;
        }

        var mb = SeriesMath.ArgBest(mv, greater);
        var last = SeriesMath.LastFinite(mv);
        if (atIndex < 0 || mb < 0 || last - atIndex < 2 || !double.IsFinite(mv[atIndex]) || mv[atIndex] == 0)
        {
            return null;
        }

        var gain = (greater ? mv[mb] - mv[atIndex] : mv[atIndex] - mv[mb]) / Math.Abs(mv[atIndex]);
        return new TaskMetricMove(metric, greater, lossBestStep, mv[atIndex], metric.Points[mb].Step, mv[mb], mv[last], mb - atIndex, gain);
    }
}
