using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>
/// How much a run learned: the relative improvement of a validation metric's best on its first evaluation, and the
/// relative fall of the training loss from its first tenth of logs to its last tenth. A run whose metric never moved off its
/// first value while its training loss stayed put learned nothing: stopping it sooner or keeping its "best" checkpoint is
/// not the fix (the cause of the flat curves is), so the rules about when to stop say so at info level.
/// </summary>
/// <param name="FirstValue">The metric's first finite value.</param>
/// <param name="GainOnFirst">Relative improvement of its best on <paramref name="FirstValue"/> (positive = better).</param>
/// <param name="RelativeTrainLossDrop">Relative fall of the training loss (median of the first tenth of its logs to the
/// median of the last tenth); NaN without a training loss of 10 logs or more.</param>
internal sealed record LearningProgress(double FirstValue, double GainOnFirst, double RelativeTrainLossDrop)
{
    /// <summary>Relative improvement on the first evaluation below which the metric did not move.</summary>
    public const double MinGain = 0.05;

    /// <summary>Relative fall of the training loss below which it stayed put (underfitting's head-to-tail threshold).</summary>
    public const double MinTrainDrop = 0.1;

    /// <summary>Neither the metric nor the training loss moved; unknown (false) without a training loss, since a fine-tune
    /// can be best at its first evaluation while it keeps fitting the training set.</summary>
    public bool NeverLearned => !(GainOnFirst >= MinGain) && double.IsFinite(RelativeTrainLossDrop) && RelativeTrainLossDrop < MinTrainDrop;

    public static LearningProgress Of(RunView run, Series metric, bool greaterIsBetter)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        var values = SeriesValues.Of(metric);
        var first = Array.FindIndex(values, double.IsFinite);
        var best = SeriesMath.ArgBest(values, greaterIsBetter);
        var firstValue = first >= 0 ? values[first] : double.NaN;
        var gain = first >= 0 && best >= 0 && firstValue != 0
            ? (greaterIsBetter ? 1 : -1) * (values[best] - firstValue) / Math.Abs(firstValue)
            : 0;

        // As clipping-saturation reads it: the medians of the first and last tenth of the training loss (10 logs or more).
        var drop = double.NaN;
        if (run.TrainLoss is { Count: >= 10 } train)
        {
            var (head, tail) = SeriesMath.HeadTail(SeriesValues.Of(train));
            drop = head > 0 ? (head - tail) / head : double.NaN;
        }

        return new LearningProgress(firstValue, gain, drop);
    }
}
