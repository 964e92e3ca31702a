using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0108: the validation loss and the task metric disagree about the best checkpoint.</summary>
public sealed class MetricDisagreementRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0108", "metric-disagreement", "The loss and the task metric disagree about the best checkpoint", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.ValLoss, Signal.ValMetric],
        [typeof(MetricDisagreementEvidence)],
        new RuleOption("min_evals_apart", 2, "Evaluations between the loss's best and the task metric's best"),
        new RuleOption("min_gain", 0.02, "Relative improvement of the task metric after the loss's best for the two to disagree"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        if (run.TaskMoveAfterLossBest is not { } move
            || move.EvalsApart < context.Option("min_evals_apart") || !(move.Gain >= context.Option("min_gain")))
        {
            yield break;
        }

        // The metric must keep its gain, not touch it once: the median of the later half of the evaluations after the
        // loss's best must beat the metric's value there by min_gain too (a noisy metric at chance, or one bouncing
        // under a too-high learning rate, sets a lucky best but no lasting gain).
        var m = move.Metric;
        var after = m.Points.Where(p => p.Step > move.LossBestStep && double.IsFinite(p.Value)).Select(p => p.Value).ToList();
        var late = after.Skip(after.Count / 2).Order().ToList();
        if (late.Count == 0)
        {
            yield break;
        }

        var lateMedian = late.Count % 2 == 1 ? late[late.Count / 2] : (late[(late.Count / 2) - 1] + late[late.Count / 2]) / 2;
        var scale = Math.Abs(move.AtLossBest);
        var lateGain = scale == 0 ? 0 : (move.GreaterIsBetter ? lateMedian - move.AtLossBest : move.AtLossBest - lateMedian) / scale;
        if (!(lateGain >= context.Option("min_gain")))
        {
            yield break;
        }

        var loss = run.ValLoss!;
        var evidence = new MetricDisagreementEvidence(
            Series: loss.Key,
            BestStep: move.LossBestStep,
            BestValue: loss.Points.First(p => p.Step == move.LossBestStep).Value,
            FinalValue: loss.Last.Value,
            MetricSeries: m.Key,
            MetricGreaterIsBetter: move.GreaterIsBetter,
            MetricValueAtLossBest: move.AtLossBest,
            MetricBestStep: move.BestStep,
            MetricBestValue: move.Best,
            MetricFinalValue: move.Final,
            RelativeMetricGain: move.Gain,
            Threshold: context.Option("min_gain"),
            EvalsApart: move.EvalsApart,
            ThresholdEvalsApart: context.Option("min_evals_apart"),
            MetricLateMedian: lateMedian,
            LateEvals: late.Count,
            RelativeLateGain: lateGain);

        var vocab = new TrainerVocabulary(run.Run);
        var selectByLoss = run.Primary is { } p && ReferenceEquals(p, loss);
        var recs = new List<Recommendation>
        {
            Recommendation.Do(
                $"Judge the run and pick checkpoints by {m.Key} (best {Format.Number(move.Best)} at step {Format.Step(move.BestStep)}), not by {loss.Key}.",
                selectByLoss ? [.. vocab.KeepBest(m, move.GreaterIsBetter)] : []),
            Recommendation.Do("If calibrated probabilities matter, the rising loss means over-confidence: add label smoothing or calibrate afterwards (temperature scaling)."),
        };

        yield return context.Finding(
            Severity.Warning,
            0.6 + Math.Min(0.3, 0.05 * move.EvalsApart),
            $"{loss.Key} is best at step {Format.Step(move.LossBestStep)} and gets worse afterwards, but {m.Key} keeps improving ({Format.Number(move.AtLossBest)} → {Format.Number(move.Best)} at step {Format.Step(move.BestStep)}): the two disagree about the best checkpoint",
            evidence,
            [move.LossBestStep, move.BestStep],
            recs,
            $"The model keeps getting better at the task while its loss rises: predictions become more confident, and the few it gets wrong cost more loss. The loss overstates the damage; {m.Key} is the better guide.",
            loss.Key, m.Key);
    }
}
