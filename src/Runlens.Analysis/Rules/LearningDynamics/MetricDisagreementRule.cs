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
        new RuleOption("min_gain", 0.02, "Relative improvement of the task metric after the loss's best for the two to disagree"),
        new RuleOption("min_loss_rise", 0.02, "Relative rise of the validation loss (the median of the later half of the evaluations after its best) for it to count as getting worse"),
        new RuleOption("min_train_drop", 0.05, "Relative fall of the training loss over the same evaluations: the model must still be fitting its training data better"));

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
        var lateCount = after.Count - (after.Count / 2);
        var lateMedian = LateMedian(after);
        if (lateCount == 0)
        {
            yield break;
        }

        var scale = Math.Abs(move.AtLossBest);
        var lateGain = scale == 0 ? 0 : (move.GreaterIsBetter ? lateMedian - move.AtLossBest : move.AtLossBest - lateMedian) / scale;
        if (!(lateGain >= context.Option("min_gain")))
        {
            yield break;
        }

        // The loss must really get worse (a flat loss at chance with a metric wobbling by a point does not disagree), and the
        // training loss must keep falling meanwhile: that is what makes a rising validation loss a sign of growing
        // confidence rather than damage. A training loss that stalls or climbs with it (a learning rate too high, a model
        // that learns nothing) is the problem itself, and judging by the task metric would hide it.
        var loss = run.ValLoss!;
        var lossBest = loss.Points.First(p => p.Step == move.LossBestStep).Value;
        var lossLate = LateMedian(loss.Points.Where(p => p.Step > move.LossBestStep).Select(p => p.Value));
        var lossRise = lossBest == 0 ? 0 : (lossLate - lossBest) / Math.Abs(lossBest);
        if (!(lossRise >= context.Option("min_loss_rise")))
        {
            yield break;
        }

        double? trainAtBest = null, trainLate = null, trainDrop = null;
        if (run.TrainLoss is { Count: > 0 } train)
        {
            var before = train.Points.Where(p => p.Step <= move.LossBestStep && double.IsFinite(p.Value)).TakeLast(5).Select(p => p.Value).ToList();
            var late2 = LateMedian(train.Points.Where(p => p.Step > move.LossBestStep).Select(p => p.Value));
            if (before.Count > 0 && double.IsFinite(late2))
            {
                trainAtBest = LateMedian(before, whole: true);
                trainLate = late2;
                trainDrop = trainAtBest == 0 ? 0 : (trainAtBest.Value - late2) / Math.Abs(trainAtBest.Value);
                if (!(trainDrop >= context.Option("min_train_drop")))
                {
                    yield break;
                }
            }
        }

        // A metric that stopped improving early while the loss kept rising and the training loss falling is overfitting
        // from the metric's best (RL0101 says so), not a loss overstating a model that still gets better at the task.
        if (MemorisingAfterTaskBest.Of(run, move) is not null)
        {
            yield break;
        }

        // Predictions no better than chance, or an evaluation set of a few dozen examples: the metric's gain is noise.
        var atChance = run.Predictions is { } predictions && DataAndLabels.PredictionsAtChance.Of(predictions.Evaluation.Metrics).AtChance;
        var tooSmall = RunAccounting.EvalSetSize.IsTooSmall(run.Run);
        var evidence = new MetricDisagreementEvidence(
            Series: loss.Key,
            BestStep: move.LossBestStep,
            BestValue: lossBest,
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
            LateEvals: lateCount,
            RelativeLateGain: lateGain,
            LossLateMedian: lossLate,
            RelativeLossRise: lossRise,
            ThresholdLossRise: context.Option("min_loss_rise"),
            TrainLossAtBest: trainAtBest,
            TrainLossLateMedian: trainLate,
            RelativeTrainDrop: trainDrop,
            ThresholdTrainDrop: context.Option("min_train_drop"));

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
            atChance || tooSmall ? Severity.Info : Severity.Warning,
            0.6 + Math.Min(0.3, 0.05 * move.EvalsApart),
            $"{loss.Key} is best at step {Format.Step(move.LossBestStep)} and gets worse afterwards, but {m.Key} keeps improving ({Format.Number(move.AtLossBest)} → {Format.Number(move.Best)} at step {Format.Step(move.BestStep)}): the two disagree about the best checkpoint"
                + (atChance ? "; the predictions are no better than a trivial guess, so the metric's gain is noise"
                    : tooSmall ? "; the evaluation set is too small to tell such a gain from noise" : ""),
            evidence,
            [move.LossBestStep, move.BestStep],
            recs,
            $"The model keeps getting better at the task while its loss rises: predictions become more confident, and the few it gets wrong cost more loss. The loss overstates the damage; {m.Key} is the better guide.",
            loss.Key, m.Key);
    }

    /// <summary>The median of the finite values of the later half of <paramref name="values"/> (of all of them with
    /// <paramref name="whole"/>); NaN when none.</summary>
    private static double LateMedian(IEnumerable<double> values, bool whole = false)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return Signals.SeriesMath.Median(finite.Skip(whole ? 0 : finite.Count / 2).ToArray());
    }
}
