using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>
/// RL0109: a stop rule that needs all of its criteria at once — the validation loss rose for 3+ evaluations in a row, the
/// validation accuracy moved less than 0.5 points over the last 5, and the per-batch loss spread is below 0.1 on training
/// data but above 0.5 on validation data (the model fits the training batches evenly and the validation ones unevenly:
/// overfitting). Needs the validation loss and accuracy and both splits' <c>loss_std</c>; reports the first evaluation at
/// which all three held.
/// </summary>
public sealed class StopCriteriaRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0109", "stop-criteria", "All three stop criteria held: training should have stopped", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.ValLoss],
        [typeof(StopCriteriaEvidence)],
        new RuleOption("rises", 3, "Consecutive evaluations at which the validation loss rose (usual guidance: 3+ epochs)"),
        new RuleOption("flat_window", 5, "Evaluations over which the validation accuracy must be flat (usual guidance: 5+ epochs)"),
        new RuleOption("flat_spread", 0.005, "Largest change of the validation accuracy over `flat_window` evaluations that counts as flat (usual guidance: < 0.5%)"),
        new RuleOption("max_train_loss_std", 0.1, "Training loss_std below which the model fits the training batches evenly"),
        new RuleOption("min_val_loss_std", 0.5, "Validation loss_std above which the validation batches are fitted unevenly"));

    public bool Applies(RunView run)
    {
        var vocab = new TrainerVocabulary(run.Run);
        return vocab.LossStd("train") is { Count: > 0 } && vocab.LossStd("val") is { Count: > 0 } && vocab.Accuracy("val") is { Count: > 0 };
    }

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var vocab = new TrainerVocabulary(run.Run);
        if (run.ValLoss is not { } loss || vocab.Accuracy("val") is not { } accuracy
            || vocab.LossStd("train") is not { } trainStd || vocab.LossStd("val") is not { } valStd)
        {
            yield break;
        }

        var rises = (int)context.Option("rises");
        var window = Math.Max(2, (int)context.Option("flat_window"));
        var spreadMax = context.Option("flat_spread");
        var trainMax = context.Option("max_train_loss_std");
        var valMin = context.Option("min_val_loss_std");
        var points = loss.Points.Where(p => double.IsFinite(p.Value)).ToList();
        for (var i = rises; i < points.Count; i++)
        {
            var rising = true;
            for (var j = i - rises + 1; j <= i; j++)
            {
                rising &= points[j].Value > points[j - 1].Value;
            }

            var step = points[i].Step;
            var acc = UpTo(accuracy, step, window);
            if (!rising || acc.Length < window)
            {
                continue;
            }

            var spread = acc.Max() - acc.Min();
            var t = UpTo(trainStd, step, 1);
            var v = UpTo(valStd, step, 1);
            if (!(spread < spreadMax) || t.Length == 0 || v.Length == 0 || !(t[0] < trainMax) || !(v[0] > valMin))
            {
                continue;
            }

            var after = points.Count - 1 - i;
            var evidence = new StopCriteriaEvidence(
                Series: loss.Key,
                AccuracySeries: accuracy.Key,
                TrainLossStdSeries: trainStd.Key,
                ValLossStdSeries: valStd.Key,
                StopStep: step,
                StopEpoch: points[i].Epoch,
                FinalStep: points[^1].Step,
                EvaluationsAfter: after,
                Rises: rises,
                ThresholdRises: context.Option("rises"),
                LossBeforeRises: points[i - rises].Value,
                LossAtStop: points[i].Value,
                AccuracyWindow: window,
                AccuracySpread: spread,
                ThresholdAccuracySpread: spreadMax,
                TrainLossStd: t[0],
                ThresholdTrainLossStd: trainMax,
                ValLossStd: v[0],
                ThresholdValLossStd: valMin);
            var where = double.IsFinite(points[i].Epoch) ? $"epoch {Format.Number(points[i].Epoch)} (step {Format.Step(step)})" : $"step {Format.Step(step)}";
            yield return context.Finding(
                Severity.Warning,
                0.85,
                $"All three stop criteria held at {where}"
                    + (after > 0 ? $", {after} evaluation{(after == 1 ? "" : "s")} before the end" : ", the last evaluation")
                    + $": {loss.Key} rose {rises} times in a row ({Format.Number(points[i - rises].Value)} → {Format.Number(points[i].Value)}), {accuracy.Key} moved {Format.Number(spread)} over {window} evaluations (< {Format.Number(spreadMax)}), and loss_std is {Format.Number(t[0])} on training batches (< {Format.Number(trainMax)}) but {Format.Number(v[0])} on validation batches (> {Format.Number(valMin)})",
                evidence,
                [step, points[^1].Step],
                [
                    Recommendation.Do($"Stop when the validation loss has not improved for {rises} evaluations, and keep the best checkpoint.",
                        [vocab.Change(vocab.EarlyStoppingPatience, rises), .. vocab.KeepBest(loss, greaterIsBetter: false)]),
                    Recommendation.Do("The even training fit and uneven validation fit say the model memorises the training set: add regularisation (dropout, weight decay, augmentation) or more data before training longer."),
                ],
                "Together these say the model has stopped learning anything that transfers: validation loss climbs, the task metric no longer moves, and the training batches are fitted evenly while validation batches are not.",
                loss.Key, accuracy.Key);
            yield break;
        }
    }

    /// <summary>The last <paramref name="count"/> finite values of <paramref name="series"/> logged at or before <paramref name="step"/>.</summary>
    private static double[] UpTo(Series series, long step, int count)
    {
        var values = series.Points.Where(p => p.Step <= step && double.IsFinite(p.Value)).Select(p => p.Value).ToArray();
        return values.Length <= count ? values : values[^count..];
    }
}
