using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0204: the gradient norm is near zero while the training loss has barely moved.</summary>
public sealed class VanishingGradientsRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0204", "vanishing-gradients", "Gradient norm near zero while the loss is still high", RuleCategory.Optimisation, Severity.Warning,
        [Signal.GradNorm, Signal.TrainLoss],
        [typeof(VanishingGradientsEvidence)],
        new RuleOption("tiny_norm", 0.01, "Gradient norm below which gradients count as vanished (below 0.01 is critical)"),
        new RuleOption("min_fraction", 0.5, "Fraction of the second half's gradient-norm logs that must be tiny"),
        new RuleOption("max_loss_drop", 0.2, "The training loss counts as still high when it fell less than this, relative, from the first to the last tenth of its logs"),
        new RuleOption("min_points", 10, "Gradient-norm and loss logs needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var grad = context.Run.GradNorm!;
        var loss = context.Run.TrainLoss!;
        var min = (int)context.Option("min_points");
        if (grad.Count < min || loss.Count < min)
        {
            yield break;
        }

        var g = SeriesValues.Of(grad);
        var half = g.AsSpan(g.Length / 2);
        var tiny = context.Option("tiny_norm");
        var tinyCount = 0;
        foreach (var x in half)
        {
            if (double.IsFinite(x) && x < tiny)
            {
                tinyCount++;
            }
        }

        var fraction = tinyCount / (double)half.Length;
        var l = SeriesValues.Of(loss);
        var (head, tail) = SeriesMath.HeadTail(l);
        var drop = head > 0 ? (head - tail) / head : double.NaN;
        if (fraction < context.Option("min_fraction") || !(drop < context.Option("max_loss_drop")) || !(tail > 0))
        {
            yield break; // tiny gradients after the loss fell are convergence; a zero loss is suspicious-values' case
        }

        var gMedian = SeriesMath.Median(half);
        var evidence = new VanishingGradientsEvidence(
            Series: grad.Key,
            MedianSecondHalf: gMedian,
            TinyFraction: fraction,
            Threshold: tiny,
            ThresholdFraction: context.Option("min_fraction"),
            LossSeries: loss.Key,
            LossHeadMedian: head,
            LossTailMedian: tail,
            RelativeLossDrop: drop);

        var vocab = new TrainerVocabulary(context.Run.Run);
        var recs = new List<Recommendation>
        {
            Recommendation.Do("Check that the layers you mean to train are trainable (requires_grad, frozen backbones, adapters attached) and that the loss is connected to them."),
            Recommendation.Do("Check initialisation, normalisation layers and saturating activations (sigmoid/tanh); with fp16, prefer bf16 so small gradients do not underflow."),
        };
        if (vocab.LearningRate is { } lr)
        {
            recs.Add(Recommendation.Do($"If everything is wired correctly, raise the learning rate ({Format.Number(lr)} → {Format.Number(lr * 3)}).", vocab.LearningRateChange(lr * 3)));
        }

        yield return context.Finding(
            Severity.Warning,
            0.6 + (0.3 * fraction),
            $"Vanishing gradients: {Format.Percent(fraction)} of the second half's gradient norms are below {Format.Number(tiny)} (median {Format.Number(gMedian)}) while {loss.Key} only went {Format.Number(head)} → {Format.Number(tail)}",
            evidence,
            [grad.Points[g.Length / 2].Step, grad.Last.Step],
            recs,
            "Almost no gradient reaches the weights, so they stop changing while the loss is still high: the model is not learning.",
            grad.Key, loss.Key);
    }
}
