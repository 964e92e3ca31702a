using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0204: the training loss has not left its starting level (or chance level) while the gradient vanishes: the
/// first layers' logged norms are orders of magnitude below the last layer's, the total norm is near zero, or the config
/// shows a deep stack of saturating activations without normalisation or residual connections.</summary>
public sealed class VanishingGradientsRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0204", "vanishing-gradients", "The gradient vanishes while the loss is still high", RuleCategory.Optimisation, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(VanishingGradientsEvidence), typeof(LayerGradientNormsEvidence), typeof(DeepSaturatingStackEvidence)],
        new RuleOption("tiny_norm", 0.01, "Gradient norm below which gradients count as vanished (below 0.01 is critical)"),
        new RuleOption("min_fraction", 0.5, "Fraction of the second half's gradient-norm logs that must be tiny"),
        new RuleOption("max_loss_drop", 0.2, "The training loss counts as still high when it fell less than this, relative, from the first to the last tenth of its logs"),
        new RuleOption("chance_band", 0.05, "It also counts as still high when its last tenth is within this fraction of the chance level ln K (K classes)"),
        new RuleOption("min_points", 10, "Gradient-norm and loss logs needed to judge"),
        new RuleOption("layer_ratio", 0.01, "Per-layer gradient norms logged: the first layer's median over the second half below this fraction of the last layer's (two orders of magnitude) is vanishing"),
        new RuleOption("deep_layers", ModelArchitecture.DeepLayers, "Hidden layers of a saturating activation (sigmoid, tanh) from which the config alone, with no normalisation or residual connections, explains a loss that does not move"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var loss = run.TrainLoss!;
        var min = (int)context.Option("min_points");
        if (loss.Count < min)
        {
            yield break;
        }

        var (head, tail) = SeriesMath.HeadTail(SeriesValues.Of(loss));
        var drop = head > 0 ? (head - tail) / head : double.NaN;
        var chance = ChanceLevel.Of(run);
        var atChance = chance is not null && Math.Abs(tail - chance.Loss) <= context.Option("chance_band") * chance.Loss;
        if (!(tail > 0) || !(drop < context.Option("max_loss_drop") || atChance))
        {
            yield break; // the loss fell: small gradients then are convergence; a zero loss is suspicious-values' case
        }

        var layers = LayerGradientNorms.Of(run.Run);
        if (layers.Count >= 2 && PerLayer(context, layers, loss, head, tail, drop) is { } measured)
        {
            yield return measured;
            yield break;
        }

        if (run.GradNorm is { } grad && grad.Count >= min && TotalNorm(context, grad, loss, head, tail, drop) is { } total)
        {
            yield return total;
            yield break;
        }

        var architecture = ModelArchitecture.Of(run.Run.Config);
        if (layers.Count < 2 && architecture.IsDeepSaturatingStack((int)context.Option("deep_layers")))
        {
            // Per-layer norms, where logged, are the measurement: the config is only read when they are not.
            yield return DeepStack(context, architecture, chance, loss, head, tail, drop);
        }
    }

    private static Finding? PerLayer(RuleContext context, IReadOnlyList<Series> layers, Series loss, double head, double tail, double drop)
    {
        var (first, last) = (layers[0], layers[^1]);
        var firstMedian = SecondHalfMedian(first);
        var lastMedian = SecondHalfMedian(last);
        var ratio = firstMedian / lastMedian;
        var threshold = context.Option("layer_ratio");
        if (!(lastMedian > 0) || !(ratio < threshold))
        {
            return null;
        }

        var evidence = new LayerGradientNormsEvidence(first.Key, last.Key, firstMedian, lastMedian, ratio, threshold, layers.Count,
            loss.Key, head, tail, drop);
        return context.Finding(
            Severity.Warning,
            0.9,
            $"Vanishing gradients: the first layer's gradient norm ({first.OriginalName}, median {Format.Number(firstMedian)}) is {Format.Number(ratio)} of the last layer's ({last.OriginalName}, {Format.Number(lastMedian)}), below {Format.Number(threshold)}, while {loss.Key} only went {Format.Number(head)} → {Format.Number(tail)}",
            evidence,
            [first.Points[first.Count / 2].Step, first.Last.Step],
            ArchitectureFirst(context, ModelArchitecture.Of(context.Run.Run.Config)),
            $"The layers nearest the input receive a gradient more than {Format.Number(1 / threshold)} times smaller than the output layer: they barely change, so the network cannot learn features and the loss stays high.",
            first.Key, last.Key, loss.Key);
    }

    private static Finding? TotalNorm(RuleContext context, Series grad, Series loss, double head, double tail, double drop)
    {
        var half = SeriesValues.Of(grad).AsSpan(grad.Count / 2);
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
        if (fraction < context.Option("min_fraction"))
        {
            return null;
        }

        var gMedian = SeriesMath.Median(half);
        var evidence = new VanishingGradientsEvidence(grad.Key, gMedian, fraction, tiny, context.Option("min_fraction"), loss.Key, head, tail, drop);
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

        return context.Finding(
            Severity.Warning,
            0.6 + (0.3 * fraction),
            $"Vanishing gradients: {Format.Percent(fraction)} of the second half's gradient norms are below {Format.Number(tiny)} (median {Format.Number(gMedian)}) while {loss.Key} only went {Format.Number(head)} → {Format.Number(tail)}",
            evidence,
            [grad.Points[grad.Count / 2].Step, grad.Last.Step],
            recs,
            "Almost no gradient reaches the weights, so they stop changing while the loss is still high: the model is not learning.",
            grad.Key, loss.Key);
    }

    private static Finding DeepStack(RuleContext context, ModelArchitecture architecture, ChanceLevel? chance, Series loss, double head, double tail, double drop)
    {
        var deep = context.Option("deep_layers");
        var evidence = new DeepSaturatingStackEvidence(loss.Key, head, tail, drop, context.Option("max_loss_drop"), chance?.Classes, chance?.Loss,
            chance?.Source, architecture.Saturating!, architecture.ActivationKey!, architecture.Layers!.Value, architecture.LayersKey!, deep);
        var level = chance is not null && Math.Abs(tail - chance.Loss) <= context.Option("chance_band") * chance.Loss
            ? $", at chance level (ln {chance.Classes} = {Format.Number(chance.Loss)})"
            : "";
        return context.Finding(
            Severity.Warning,
            0.8,
            $"Vanishing gradients: {architecture.Layers} hidden layers of {architecture.Saturating} ({architecture.LayersKey}, {architecture.ActivationKey}) without normalisation or residual connections, and {loss.Key} only went {Format.Number(head)} → {Format.Number(tail)}{level}",
            evidence,
            [loss.First.Step, loss.Last.Step],
            ArchitectureFirst(context, architecture),
            $"A sigmoid passes back at most a quarter of the gradient it receives, and a saturated tanh little more, so through {Format.Number(deep)} or more such layers (with no normalisation or skip connection to carry it) the gradient reaching the first layers is orders of magnitude too small: they do not learn, and the loss stays where it started. The total gradient norm cannot show it, since the output layer dominates it.",
            loss.Key);
    }

    /// <summary>The fix in order: the architecture first (a higher learning rate cannot restore a gradient that shrinks at
    /// every layer), then the check, then the learning rate that other findings may propose.</summary>
    private static List<Recommendation> ArchitectureFirst(RuleContext context, ModelArchitecture architecture)
    {
        var activation = architecture.Saturating is not null && architecture.ActivationKey is { } key
            ? new TrainerVocabulary(context.Run.Run).Change(key, "relu")
            : null;
        return
        [
            activation is not null
                ? Recommendation.Do($"First change the architecture: replace {architecture.Saturating} with ReLU or GELU, or add normalisation layers (BatchNorm, LayerNorm) or residual connections, or use fewer layers; with tanh keep a variance-preserving (Xavier/Glorot) initialisation. Do this before tuning the learning rate: a larger step cannot restore a gradient that shrinks at every layer.", activation)
                : Recommendation.Do("First change the architecture: ReLU or GELU activations instead of sigmoid/tanh, normalisation layers (BatchNorm, LayerNorm) or residual connections, a variance-preserving initialisation (He for ReLU, Xavier/Glorot for tanh). Do this before tuning the learning rate: a larger step cannot restore a gradient that shrinks at every layer."),
            Recommendation.Do("Log per-layer gradient norms to confirm it and to check the fix (Lightning: self.log_dict(grad_norm(self, norm_type=2)) in on_before_optimizer_step; plain PyTorch: p.grad.norm() for each named parameter): the first layers' norms should come within an order of magnitude of the last layer's."),
            Recommendation.Do("Only then revisit the learning rate and schedule, if the loss still falls slowly with the new architecture."),
        ];
    }

    private static double SecondHalfMedian(Series s) => SeriesMath.Median(SeriesValues.Of(s).AsSpan(s.Count / 2));
}
