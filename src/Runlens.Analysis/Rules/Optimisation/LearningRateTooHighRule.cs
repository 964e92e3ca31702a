using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0201: the training loss oscillates without making progress, with spikes or gradients pinned at the clip.</summary>
public sealed class LearningRateTooHighRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0201", "lr-too-high", "Learning rate too high: the loss oscillates instead of falling", RuleCategory.Optimisation, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(LearningRateTooHighEvidence)],
        new RuleOption("window", 10, "Logs per window for the loss's relative standard deviation"),
        new RuleOption("max_oscillation", 0.3, "Median relative standard deviation of the loss (std / mean over a window) above which it oscillates"),
        new RuleOption("max_drop", 0.1, "The loss counts as making no progress when it fell less than this, relative, from the first to the last quarter of its logs"),
        new RuleOption("min_points", 30, "Training-loss logs needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var loss = run.TrainLoss!;

        // Quarters rather than tenths: an oscillating loss needs more points for a stable median.
        if (LossLevels.Of(loss, context.Option("min_points"), 0.25) is not { } levels)
        {
            yield break;
        }

        var (v, head, tail) = (levels.Values, levels.Head, levels.Tail);
        var window = (int)context.Option("window");

        // Relative standard deviation (ddof 1) of each block of `window` consecutive logs: one pass, no rolling copies.
        var (means, stds) = Rolling.Blocks(v, Math.Max(2, window));
        var relative = new double[means.Length];
        for (var b = 0; b < relative.Length; b++)
        {
            relative[b] = means[b] > 0 ? stds[b] / means[b] : double.NaN;
        }

        var oscillation = SeriesMath.Median(relative);
        var drop = (head - tail) / head;
        var noProgress = drop < context.Option("max_drop");

        // Corroborating symptoms: gradients pinned at the clip, or several loss spikes.
        var vocab = new TrainerVocabulary(run.Run);
        var clippedFraction = double.NaN;
        if (run.GradNorm is { Count: >= 10 } g && vocab.MaxGradNorm is { } clip)
        {
            var gv = SeriesValues.Of(g).Where(double.IsFinite).ToArray();
            clippedFraction = gv.Length == 0 ? double.NaN : gv.Count(x => x >= clip) / (double)gv.Length;
        }

        var oscillates = oscillation > context.Option("max_oscillation");
        var pinned = clippedFraction >= 0.9;
        if (!noProgress || !(oscillates || pinned))
        {
            yield break;
        }

        var evidence = new LearningRateTooHighEvidence(
            Series: loss.Key,
            Oscillation: oscillation,
            Threshold: context.Option("max_oscillation"),
            HeadMedian: head,
            TailMedian: tail,
            RelativeDrop: drop,
            ThresholdDrop: context.Option("max_drop"),
            ClippedFraction: clippedFraction,
            LearningRate: vocab.LearningRate);

        var recs = new List<Recommendation>();
        if (vocab.LearningRate is { } lr)
        {
            recs.Add(Recommendation.Do($"Lower the learning rate ({Format.Number(lr)} → {Format.Number(TrainerVocabulary.Round3(lr / 3))}).", vocab.LearningRateChange(lr / 3)));
        }
        else
        {
            recs.Add(Recommendation.Do("Lower the learning rate (about 3×)."));
        }

        if (!vocab.HasWarmup)
        {
            recs.Add(Recommendation.Do("Add a warmup so the first updates are small.", vocab.IsHf ? [vocab.Change("warmup_ratio", 0.1)] : []));
        }

        yield return context.Finding(
            Severity.Warning,
            oscillates && pinned ? 0.8 : 0.6,
            $"The learning rate looks too high: {loss.Key} "
                + (oscillates ? $"swings {Format.Percent(oscillation)} around its mean" : "makes no progress")
                + (pinned ? $" with {Format.Percent(clippedFraction)} of gradient norms at the clip" : "")
                + (drop < 0 ? $", and rose {Format.Percent(-drop)}" : $", and fell only {Format.Percent(drop)}") + $" ({Format.Number(head)} → {Format.Number(tail)})",
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            "Updates too large for the loss surface make the loss bounce around instead of settling into a minimum.",
            loss.Key);
    }
}
