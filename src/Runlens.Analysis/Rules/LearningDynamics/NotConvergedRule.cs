using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0106: the run ended while still clearly improving, or saw only a small fraction of one epoch.</summary>
public sealed class NotConvergedRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0106", "not-converged", "The run ended while still improving", RuleCategory.LearningDynamics, Severity.Info,
        [Signal.TrainLoss],
        [typeof(NotConvergedEvidence), typeof(NotConvergedLossEvidence), typeof(NotConvergedEpochEvidence)],
        new RuleOption("window", 3, "Last evaluations over which the primary metric must still be improving"),
        new RuleOption("min_gain", 0.02, "Relative improvement of the primary metric over the window that counts as still improving"),
        new RuleOption("min_share", 0.1, "The window's gain must also be at least this share of the metric's total change since the first evaluation"),
        new RuleOption("warning_gain", 0.05, "Relative improvement over the window from which the finding is a warning"),
        new RuleOption("min_train_drop", 0.05, "Without evaluations: relative fall of the training loss over the last quarter of its logs that counts as still improving"),
        new RuleOption("min_epoch_fraction", 0.5, "Runs that saw less than this fraction of one epoch are reported"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var vocab = new TrainerVocabulary(run.Run);
        var epochsSeen = run.Run.Trainer.Epoch ?? run.TrainLoss!.Points.Select(p => p.Epoch).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        if (epochsSeen < context.Option("min_epoch_fraction") && epochsSeen > 0)
        {
            yield return context.Finding(
                Severity.Warning,
                0.8,
                $"The run saw only {Format.Percent(epochsSeen)} of one epoch of the training data",
                new NotConvergedEpochEvidence(EpochsSeen: epochsSeen, Threshold: context.Option("min_epoch_fraction")),
                [run.TrainLoss!.Last.Step],
                [Recommendation.Do("Train on at least one full epoch (raise max_steps or the number of epochs) before judging the model.", vocab.Change(vocab.Epochs, 1))],
                "Most training examples were never seen: the metrics describe a model early in training.");
            yield break;
        }

        if (run.Primary is { } metric && metric.Count >= context.Option("window") + 2)
        {
            foreach (var f in FromMetric(context, metric, vocab))
            {
                yield return f;
            }

            yield break;
        }

        foreach (var f in FromTrainLoss(context, vocab))
        {
            yield return f;
        }
    }

    private IEnumerable<Finding> FromMetric(RuleContext context, Model.Series metric, TrainerVocabulary vocab)
    {
        var greater = context.Run.PrimaryGreaterIsBetter;
        var points = metric.Points.Where(p => double.IsFinite(p.Value)).ToList();
        var window = (int)context.Option("window");
        if (points.Count < window + 2)
        {
            yield break;
        }

        var values = points.Select(p => p.Value).ToArray();
        var best = SeriesMath.ArgBest(values, greater);
        if (best != values.Length - 1)
        {
            yield break; // the last evaluation is not the best: not still improving
        }

        var before = values[^(window + 1)];
        var final = values[^1];
        var gain = before == 0 ? 0 : (greater ? final - before : before - final) / Math.Abs(before);
        var steadily = true;
        for (var i = values.Length - window; i < values.Length; i++)
        {
            steadily &= greater ? values[i] >= values[i - 1] : values[i] <= values[i - 1];
        }

        // Relative gains of a value near zero mislead (a loss of 0.0008 → 0.0007 is "16%"): the window's gain must also be
        // a real part of everything the run gained since its first evaluation.
        var total = Math.Abs(final - values[0]);
        var share = total > 0 ? Math.Abs(final - before) / total : 0;
        if (gain < context.Option("min_gain") || !steadily || share < context.Option("min_share"))
        {
            yield break;
        }

        var severity = gain >= context.Option("warning_gain") ? Severity.Warning : Severity.Info;
        var start = points[^(window + 1)];
        var evidence = new NotConvergedEvidence(
            Series: metric.Key,
            Window: window,
            FirstStep: start.Step,
            FirstValue: before,
            FinalStep: points[^1].Step,
            FinalValue: final,
            RelativeGain: gain,
            Threshold: context.Option("min_gain"),
            TotalGainFraction: share,
            ThresholdTotalGainFraction: context.Option("min_share"));
        yield return context.Finding(
            severity,
            0.55 + Math.Min(0.35, gain * 3),
            $"Still improving at the end: {metric.Key} improved {Format.Percent(gain)} over the last {window} evaluations ({Format.Number(before)} → {Format.Number(final)}) and the final one is the best",
            evidence,
            [start.Step, points[^1].Step],
            [MoreTraining(context, vocab)],
            "Training stopped before the metric levelled off: the model had more to gain.",
            metric.Key);
    }

    private IEnumerable<Finding> FromTrainLoss(RuleContext context, TrainerVocabulary vocab)
    {
        var loss = context.Run.TrainLoss!;
        var v = SeriesValues.Of(loss);
        if (v.Length < 20)
        {
            yield break;
        }

        var quarter = v.AsSpan(v.Length * 3 / 4);
        var line = Trend.TheilSen(quarter);
        var level = SeriesMath.Median(quarter);
        if (!(level > 0) || !(line.Slope < 0))
        {
            yield break;
        }

        var drop = -line.Slope * quarter.Length / level;
        if (drop < context.Option("min_train_drop") || SeriesMath.TrendRank(quarter) > -0.5)
        {
            yield break;
        }

        var evidence = new NotConvergedLossEvidence(
            Series: loss.Key,
            FirstStep: loss.Points[v.Length * 3 / 4].Step,
            LastStep: loss.Last.Step,
            RelativeDrop: drop,
            Threshold: context.Option("min_train_drop"),
            TheilSenSlopePerLog: line.Slope);
        yield return context.Finding(
            Severity.Info,
            0.6,
            $"{loss.Key} was still falling at the end: {Format.Percent(drop)} over the last quarter of the logs (no evaluations to confirm it generalises)",
            evidence,
            [loss.Points[v.Length * 3 / 4].Step, loss.Last.Step],
            [MoreTraining(context, vocab), Recommendation.Do("Evaluate on held-out data during training to know whether the extra steps generalise.")],
            "The training loss had not levelled off when training stopped.",
            loss.Key);
    }

    private static Recommendation MoreTraining(RuleContext context, TrainerVocabulary vocab)
    {
        var planned = context.Run.Run.Config.Number(vocab.Epochs) ?? context.Run.Run.Trainer.NumTrainEpochs;
        return planned is { } p && p > 0
            ? Recommendation.Do($"Train longer: about {Format.Number(Math.Ceiling(p * 1.5))} epochs instead of {Format.Number(p)}, with early stopping on the validation metric so the extra epochs cannot hurt.", vocab.Change(vocab.Epochs, Math.Ceiling(p * 1.5)))
            : Recommendation.Do("Train longer (about 1.5× the steps), with early stopping on the validation metric so the extra steps cannot hurt.");
    }
}
