using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0105: the training loss barely fell, and validation sits as high (no gap): the model is not fitting.</summary>
public sealed class UnderfittingRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0105", "underfitting", "Training and validation loss both stay high", RuleCategory.LearningDynamics, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(UnderfittingEvidence)],
        new RuleOption("max_drop", 0.1, "The training loss counts as stuck when it fell less than this, relative, from the first to the last tenth of its logs"),
        new RuleOption("max_gap", 0.1, "Largest relative gap between the final validation and training loss for the two to count as close"),
        new RuleOption("min_points", 20, "Training-loss logs needed to judge"),
        new RuleOption("metric_gain", 0.1, "Relative improvement of a validation task metric, its last third of evaluations over its first third, that shows the model is learning (no underfitting)"),
        new RuleOption("noise_factor", 3, "The task metric's improvement must also exceed this many times its median change between evaluations"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var loss = run.TrainLoss!;
        if (LossLevels.Of(loss, context.Option("min_points")) is not { } levels)
        {
            yield break;
        }

        var (v, head, tail) = (levels.Values, levels.Head, levels.Tail);

        var drop = (head - tail) / head;
        if (drop >= context.Option("max_drop") || drop < -0.05)
        {
            yield break; // it learned, or it rose (divergence's case)
        }

        // A task metric that climbed over the run says the model is learning, whatever the loss's scale: a bounded loss
        // (dice, 1 − IoU) lives near 1 and falls a few percent while IoU goes 0.25 → 0.65.
        if (TaskMetricClimbed(run, context.Option("metric_gain"), context.Option("noise_factor")))
        {
            yield break;
        }

        double? gap = null;
        string? valSeries = null;
        if (run.ValLoss is { } val && SeriesMath.LastFinite(SeriesValues.Of(val)) is var li and >= 0)
        {
            gap = (val.Points[li].Value - tail) / tail;
            valSeries = val.Key;
            if (Math.Abs(gap.Value) > context.Option("max_gap"))
            {
                yield break; // a gap between train and validation is not the underfitting picture
            }
        }

        var vocab = new TrainerVocabulary(run.Run);
        var evidence = new UnderfittingEvidence(
            Series: loss.Key,
            HeadMedian: head,
            TailMedian: tail,
            RelativeDrop: drop,
            Threshold: context.Option("max_drop"),
            ValSeries: valSeries,
            RelativeValGap: gap,
            ThresholdGap: context.Option("max_gap"),
            Points: v.Length);

        var recs = new List<Recommendation>();
        if (vocab.LearningRate is { } lr)
        {
            recs.Add(Recommendation.Do($"Raise the learning rate ({Format.Number(lr)} → {Format.Number(TrainerVocabulary.Round3(lr * 3))}) and check the schedule is not decaying it to nothing early.", vocab.LearningRateChange(lr * 3)));
        }

        recs.Add(Recommendation.Do("Check that the model can fit at all: overfit a few batches on purpose; if it cannot, look for a bug (labels, loss, frozen weights) before anything else."));
        recs.Add(Recommendation.Do("Give the model more capacity (a larger model, more layers or width), train longer, and reduce regularisation (weight decay, dropout)."));

        yield return context.Finding(
            Severity.Warning,
            gap is null ? 0.55 : 0.7,
            $"Underfitting: {loss.Key} only went {Format.Number(head)} → {Format.Number(tail)} ({(drop >= 0 ? Format.Percent(drop) + " lower" : Format.Percent(-drop) + " higher")}) over {v.Length} logs"
                + (gap is { } g ? $", and validation loss is as high (gap {Format.Percent(g)})" : ""),
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            "The model is not fitting even the training data: the loss stays near where it started. Capacity, learning rate or a bug limits it, not generalisation.",
            loss.Key);
    }

    /// <summary>Whether the validation task metric's last third of evaluations is better on average than its first third by at
    /// least <paramref name="minGain"/> (relative) and by more than <paramref name="noiseFactor"/> times its median change
    /// between evaluations.</summary>
    private static bool TaskMetricClimbed(RunView run, double minGain, double noiseFactor)
    {
        if (TaskMetrics.Find(run) is not { Count: >= 3 } metric)
        {
            return false;
        }

        var values = SeriesValues.Of(metric).Where(double.IsFinite).ToArray();
        if (values.Length < 3 || values[0] == 0)
        {
            return false;
        }

        // The last third of the evaluations against the first third: a jump at the first evaluation only (predictions that
        // spread out from one class while staying at chance) is not a climb.
        var third = Math.Max(1, values.Length / 3);
        var first = values[..third].Average();
        var last = values[^third..].Average();
        var change = TaskMetrics.GreaterIsBetter(run, metric) ? last - first : first - last;
        return first != 0 && change / Math.Abs(first) >= minGain && change > noiseFactor * SeriesMath.MedianAbsoluteChange(values);
    }
}
