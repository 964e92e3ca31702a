using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0202: the training loss falls slowly and steadily, still falling at the end — the learning rate holds it back.</summary>
public sealed class LearningRateTooLowRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0202", "lr-too-low", "Learning rate too low: slow, steady, unfinished descent", RuleCategory.Optimisation, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(LearningRateTooLowEvidence)],
        new RuleOption("max_drop", 0.3, "The descent counts as slow when the training loss fell less than this, relative, from the first to the last tenth"),
        new RuleOption("min_steadiness", 0.9, "Rank correlation of the loss with time (negated) from which the descent counts as steady"),
        new RuleOption("min_tail_drop", 0.03, "Relative fall over the last quarter of the logs that counts as still falling"),
        new RuleOption("tiny_lr", 1e-7, "A peak learning rate below this is reported whenever the loss fell less than max_drop"),
        new RuleOption("min_points", 30, "Training-loss logs needed to judge"));

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
        var vocab = new TrainerVocabulary(run.Run);
        var lr = vocab.LearningRate;
        var tinyLr = lr is { } l && l < context.Option("tiny_lr");
        var steadiness = -SeriesMath.TrendRank(v);
        var quarter = v.AsSpan(v.Length * 3 / 4);
        var tailDrop = -Trend.TheilSen(quarter).Slope * quarter.Length / SeriesMath.Median(quarter);
        var slowAndSteady = drop > 0 && drop < context.Option("max_drop") && steadiness >= context.Option("min_steadiness")
            && tailDrop >= context.Option("min_tail_drop");
        if (!slowAndSteady && !(tinyLr && drop < context.Option("max_drop")))
        {
            yield break;
        }

        // Gradients at the clip on most steps mean the steps are already as large as allowed: not a small learning rate.
        if (!tinyLr && run.GradNorm is { Count: >= 10 } g && vocab.MaxGradNorm is { } clip
            && SeriesValues.Of(g).Count(x => double.IsFinite(x) && x >= clip) >= 0.5 * g.Count)
        {
            yield break;
        }

        var factor = tinyLr ? 100 : 3;
        var evidence = new LearningRateTooLowEvidence(
            Series: loss.Key,
            HeadMedian: head,
            TailMedian: tail,
            RelativeDrop: drop,
            Threshold: context.Option("max_drop"),
            Steadiness: steadiness,
            ThresholdSteadiness: context.Option("min_steadiness"),
            RelativeDropLastQuarter: tailDrop,
            LearningRate: lr,
            ThresholdTinyLearningRate: context.Option("tiny_lr"));

        var recs = new List<Recommendation>
        {
            lr is { } rate
                ? Recommendation.Do($"Raise the learning rate ({Format.Number(rate)} → {Format.Number(TrainerVocabulary.Round3(rate * factor))}); run a short learning-rate range test to find the largest stable value.", vocab.LearningRateChange(rate * factor))
                : Recommendation.Do("Raise the learning rate (about 3×); run a short learning-rate range test to find the largest stable value."),
        };

        yield return context.Finding(
            Severity.Warning,
            tinyLr ? 0.85 : 0.6,
            tinyLr
                ? $"The learning rate {Format.Number(lr!.Value)} is tiny and {loss.Key} barely moved ({Format.Number(head)} → {Format.Number(tail)})"
                : $"The learning rate looks too low: {loss.Key} fell only {Format.Percent(drop)} ({Format.Number(head)} → {Format.Number(tail)}), steadily, and was still falling at the end",
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            "A loss that falls smoothly but slowly and has not levelled off is taking small steps: the optimiser could go faster.",
            loss.Key);
    }
}
