using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0205: the gradient norm is at or above the clip threshold most of the time.</summary>
public sealed class ClippingSaturationRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0205", "clipping-saturation", "Gradients are clipped most of the time", RuleCategory.Optimisation, Severity.Warning,
        [Signal.GradNorm],
        [typeof(ClippingSaturationEvidence)],
        new RuleOption("min_fraction", 0.5, "Fraction of gradient-norm logs at or above the clip threshold"),
        new RuleOption("min_points", 10, "Gradient-norm logs needed to judge"),
        new RuleOption("healthy_loss_drop", 0.1, "Relative fall of the training loss (first to last tenth of its logs) from which the run still learns well and the finding is only information"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var grad = context.Run.GradNorm!;
        var vocab = new TrainerVocabulary(context.Run.Run);
        if (grad.Count < context.Option("min_points") || vocab.MaxGradNorm is not { } clip)
        {
            yield break; // without a known clip threshold there is nothing to compare with
        }

        var v = SeriesValues.Of(grad);
        var clipped = 0;
        var finite = 0;
        var firstClipped = -1;
        for (var i = 0; i < v.Length; i++)
        {
            if (!Finite.Is(v[i]))
            {
                continue;
            }

            finite++;
            if (v[i] >= clip)
            {
                clipped++;
                firstClipped = firstClipped < 0 ? i : firstClipped;
            }
        }

        var fraction = finite == 0 ? 0 : clipped / (double)finite;
        if (fraction < context.Option("min_fraction"))
        {
            yield break;
        }

        var median = SeriesMath.Median(v);

        // Clipping most steps is common and harmless in fine-tuning that still learns well; it is a warning only when
        // the training loss is not falling.
        var loss = context.Run.TrainLoss;
        var lossDrop = double.NaN;
        if (loss is { Count: >= 10 })
        {
            var l = SeriesValues.Of(loss);
            var (head, tail) = SeriesMath.HeadTail(l);
            lossDrop = head > 0 ? (head - tail) / head : double.NaN;
        }

        // Far above the clip (10×), every update is rescaled by a large factor: worth a warning however the loss moves.
        var severity = lossDrop >= context.Option("healthy_loss_drop") && median <= 10 * clip ? Severity.Info : Severity.Warning;
        var configured = context.Run.Run.Config.Number(vocab.GradClipKey) is not null;
        var evidence = new ClippingSaturationEvidence(
            Series: grad.Key,
            ClipNorm: clip,
            ClipKey: vocab.GradClipKey,
            ClipSource: configured ? "config" : "trainer-default",
            ClippedFraction: fraction,
            Threshold: context.Option("min_fraction"),
            Median: median,
            Points: finite,
            RelativeTrainLossDrop: lossDrop);

        var recs = new List<Recommendation>();
        if (severity == Severity.Info)
        {
            // The run learns well: say what the numbers mean, change nothing.
            recs.Add(Recommendation.Do(
                $"No change needed while the loss keeps falling. To make clipping catch only outliers, set {vocab.GradClipKey} a little above the typical norm (median {Format.Number(median)}); if training becomes unstable, lower the learning rate first."));
        }
        else
        {
            if (vocab.LearningRate is { } lr)
            {
                recs.Add(Recommendation.Do(
                    $"Lower the learning rate ({Format.Number(lr)} → {Format.Number(TrainerVocabulary.Round3(lr / 2))}): with nearly every step clipped the optimiser takes fixed-length steps and the schedule stops controlling their size.",
                    vocab.LearningRateChange(lr / 2)));
            }

            recs.Add(median > 10 * clip
                ? Recommendation.Do($"The median norm {Format.Number(median)} is far above the clip {Format.Number(clip)}: look for the cause (loss scale, unnormalised inputs or targets, a loss summed instead of averaged) rather than raising the clip.")
                : Recommendation.Do($"Then set the clip a little above the typical norm (median {Format.Number(median)}) so clipping only catches outliers.",
                    vocab.Change(vocab.GradClipKey, Math.Ceiling(median * 1.5 * 10) / 10)));
        }

        yield return context.Finding(
            severity,
            (configured ? 0.55 : 0.45) + (0.4 * fraction),
            $"Gradients are clipped in {Format.Percent(fraction)} of the logs: {grad.Key} median {Format.Number(median)} against a clip of {Format.Number(clip)}",
            evidence,
            firstClipped >= 0 ? [grad.Points[firstClipped].Step] : [],
            recs,
            "Clipping meant for rare outliers is acting on almost every step: the update size is set by the clip, not by the learning rate, which usually means the learning rate is too high (a gradient norm consistently at the clip value is the classic sign).",
            grad.Key);
    }
}
