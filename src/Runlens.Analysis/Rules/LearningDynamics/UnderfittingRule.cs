using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

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
        new RuleOption("noise_factor", 3, "The task metric's improvement must also exceed this many times its median change between evaluations"),
        new RuleOption("chance_band", 0.03, "The loss counts as at chance level when its best validation value (else the training loss's last tenth) is at least ln K less this fraction, and its last tenth at most ln K plus twice it (K classes)"),
        new RuleOption("max_late_fall", 0.01, "At chance level, the training loss must also have fallen less than this, relative, over the second half of its logs (a slow descent from chance is lr-too-low's case)"));

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

        var chance = ChanceLevel.Of(run);
        var atChance = chance is not null && AtChance(v, tail, run.ValLoss, chance.Loss, context.Option("chance_band"), context.Option("max_late_fall"));
        var config = run.Run.Config;
        var activation = config.Get("model.hidden_act") ?? config.Get("model.activation") ?? config.Get("model.activation_function")
            ?? config.Get("hidden_act") ?? config.Get("activation");
        var saturating = activation is { Kind: ConfigValueKind.String, Text: { } a } && (a.Contains("sigmoid", StringComparison.OrdinalIgnoreCase)
            || a.Contains("tanh", StringComparison.OrdinalIgnoreCase)) ? a : null;
        var layers = config.Number("model.num_hidden_layers", "model.n_layer", "model.num_layers", "num_hidden_layers", "num_layers", "n_layers", "depth");

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
            Points: v.Length,
            Classes: chance?.Classes,
            ChanceLevel: chance?.Loss,
            ClassesSource: chance?.Source,
            AtChance: atChance,
            ThresholdChanceBand: context.Option("chance_band"),
            SaturatingActivation: saturating,
            Layers: layers is { } n ? (int)n : null,
            ThresholdDeepLayers: DeepLayers);

        if (atChance)
        {
            yield return AtChanceFinding(context, loss, evidence, chance!, saturating, layers);
            yield break;
        }

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

    /// <summary>Layers from which a sigmoid/tanh stack counts as deep enough for its gradient to vanish.</summary>
    public const int DeepLayers = 6;

    /// <summary>Whether the loss never left chance level: its best validation value (else the training loss's last tenth) is
    /// no lower than ln K by more than <paramref name="band"/> (relative), its last tenth no higher by more than twice that,
    /// and it did not keep falling over the second half (which would be a slow descent, not a loss stuck at ln K).</summary>
    private static bool AtChance(double[] train, double tail, Series? val, double lnK, double band, double maxLateFall)
    {
        var best = val is { Count: >= 3 } ? SeriesValues.Of(val).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min() : tail;
        if (!(best >= (1 - band) * lnK) || !(tail <= (1 + (2 * band)) * lnK))
        {
            return false;
        }

        var half = train.AsSpan(train.Length / 2);
        var fall = -Trend.TheilSen(half).Slope * half.Length / SeriesMath.Median(half);
        return fall < maxLateFall;
    }

    private static Finding AtChanceFinding(RuleContext context, Series loss, UnderfittingEvidence evidence, ChanceLevel chance, string? saturating, double? layers)
    {
        var deep = saturating is not null && layers is { } n && n >= DeepLayers;
        var recs = new List<Recommendation>
        {
            Recommendation.Do("Check that the model can fit at all: overfit a few batches on purpose; if it cannot, look for a bug before anything else: inputs that never reach the model (a detached or constant input), labels not aligned with their inputs, frozen weights."),
            saturating is not null
                ? Recommendation.Do($"The config shows {saturating} activations{(layers is { } l ? $" in {Format.Number(l)} layers" : "")}: in a deep sigmoid/tanh stack the gradient shrinks at every layer and vanishes before it reaches the first ones. Use ReLU/GELU, normalisation layers (BatchNorm, LayerNorm), residual connections or a variance-preserving initialisation, and log per-layer gradient norms to confirm.")
                : Recommendation.Do("If the network is deep with sigmoid or tanh activations, the gradient may vanish before it reaches the first layers; the total gradient norm cannot show that (the output layer dominates it), so log per-layer gradient norms, and prefer ReLU/GELU, normalisation layers or residual connections."),
            Recommendation.Do("If the model is linear or very small, it may not be able to represent the task at all (a linear model on XOR stays at chance): give it capacity."),
        };

        var source = chance.Source switch
        {
            "config" => "from the config",
            "predictions" => "from the predictions",
            _ => "where the validation loss and accuracy both sit",
        };
        return context.Finding(
            Severity.Warning,
            deep ? 0.8 : 0.7,
            $"The model has learned nothing: {loss.Key} stayed at chance level (ln {chance.Classes} = {Format.Number(chance.Loss)} for {chance.Classes} classes, {source}) for the whole run ({Format.Number(evidence.HeadMedian)} → {Format.Number(evidence.TailMedian)})"
                + (evidence.RelativeValGap is not null ? ", and so did validation" : ""),
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            "A loss of ln K is what a uniform guess over K classes scores: the model's output does not depend on its input. Vanishing gradients in a deep saturating network, a model that cannot represent the task, or inputs and labels that do not reach it each give this picture.",
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
