using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>
/// Whether a task metric that improved after the validation loss's best then stopped improving while the model went on
/// memorising: the metric's own best came in the first half of the evaluations after the loss's best, and from there to
/// the end the validation loss rose by at least <see cref="MinRise"/> (relative) while the training loss kept falling. The
/// metric's early gain then does not excuse the rising loss: for most of the run the model got no better at the task and
/// its loss grew, which is overfitting measured from the metric's best (a small model on few examples trained for many
/// epochs: macro-F1 0.47 → 0.61 by step 139, flat after, while the validation loss doubled to step 599 and the training
/// loss went to 0.001). Not on an evaluation set too small to trust, where the metric's best is noise.
/// </summary>
/// <param name="MetricBestStep">The step of the task metric's best.</param>
/// <param name="LossAtMetricBest">The validation loss at (or just after) that step.</param>
/// <param name="FinalLoss">The last finite validation loss.</param>
/// <param name="RelativeRise">Its rise from the loss at the metric's best, relative.</param>
internal sealed record MemorisingAfterTaskBest(long MetricBestStep, double LossAtMetricBest, double FinalLoss, double RelativeRise)
{
    /// <summary>Smallest rise of the validation loss after the metric's best (overfitting's moderate level).</summary>
    public const double MinRise = 0.15;

    /// <summary>The pattern, or null when the metric kept improving into the second half, the loss did not rise enough after
    /// its best, or the training loss did not keep falling.</summary>
    public static MemorisingAfterTaskBest? Of(RunView run, TaskMetricMove move)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(move);
        // On an evaluation set of a few dozen examples where the metric peaked is the set's noise (eval-too-small says so).
        if (run.ValLoss is not { } val || run.TrainLoss is not { Count: > 0 } train || RunAccounting.EvalSetSize.IsTooSmall(run.Run))
        {
            return null;
        }

        var v = SeriesValues.Of(val);
        var last = SeriesMath.LastFinite(v);
        var lossBest = -1;
        var atMetricBest = -1;
        for (var i = 0; i <= last; i++)
        {
            lossBest = lossBest < 0 && val.Points[i].Step >= move.LossBestStep ? i : lossBest;
            atMetricBest = atMetricBest < 0 && val.Points[i].Step >= move.BestStep && double.IsFinite(v[i]) ? i : atMetricBest;
        }

        // The metric's best in the first half of the evaluations after the loss's best: it stopped improving early.
        if (lossBest < 0 || atMetricBest <= lossBest || 2 * (atMetricBest - lossBest) > last - lossBest)
        {
            return null;
        }

        var rise = SeriesMath.RelativeChange(v[atMetricBest], v[last]);
        var trainAtBest = OverfittingRule.WindowMedian(train, val.Points[atMetricBest - 1].Step, val.Points[atMetricBest].Step);
        var trainEnd = OverfittingRule.WindowMedian(train, val.Points[last - 1].Step, val.Points[last].Step);
        return rise >= MinRise && trainEnd < trainAtBest
            ? new MemorisingAfterTaskBest(move.BestStep, v[atMetricBest], v[last], rise)
            : null;
    }
}
