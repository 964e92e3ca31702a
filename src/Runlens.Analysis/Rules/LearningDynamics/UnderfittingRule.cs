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
        new RuleOption("max_lost", 0.15, "A validation loss whose best was more than this, relative, below its final value learned and lost it (an instability such as gradient bursts), which is not underfitting"),
        new RuleOption("min_points", 20, "Training-loss logs needed to judge"),
        new RuleOption("metric_gain", 0.1, "Relative improvement of a validation task metric, its last third of evaluations over its first third, that shows the model is learning (no underfitting)"),
        new RuleOption("noise_factor", 3, "The task metric's improvement must also exceed this many times its median change between evaluations"),
        new RuleOption("chance_band", 0.03, "The loss counts as at chance level when its best validation value (else the training loss's last tenth) is at least ln K less this fraction, and its last tenth at most ln K plus twice it (K classes)"),
        new RuleOption("max_late_fall", 0.01, "At chance level, the training loss must also have fallen less than this, relative, over the second half of its logs (a slow descent from chance is lr-too-low's case)"),
        new RuleOption("settled_level", 0.4, "A loss that fell more than max_drop still underfits when it settled (fell less than settled_fall over the second half of its logs) at or above this fraction of the chance level ln K, with validation as high"),
        new RuleOption("settled_fall", 0.1, "Largest relative fall (or rise) of the training loss over the second half of its logs for it to count as settled"),
        new RuleOption("settled_accuracy", 0.67, "A settled loss underfits only when the final validation accuracy (when logged) is at most this; without a known number of classes it is then judged against its first log"));

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
        if (drop < -0.05)
        {
            yield break; // it rose (divergence's case)
        }

        var chance = ChanceLevel.Of(run);
        var lateFall = LateFall(v);
        var settled = drop >= context.Option("max_drop");
        if (settled)
        {
            // It learned something, then settled far above what a classifier that fits its data reaches: a model too
            // small for the task (a narrow hidden layer) levels off while training and validation loss stay alike and high.
            if (SettledReference(run, chance, v, context.Option("settled_accuracy")) is not { } reference
                || !(tail >= context.Option("settled_level") * reference) || !(Math.Abs(lateFall) < context.Option("settled_fall")))
            {
                yield break; // it learned, or it is still learning
            }
        }
        else if (TaskMetricClimbed(run, context.Option("metric_gain"), context.Option("noise_factor")))
        {
            // A task metric that climbed over the run says the model is learning, whatever the loss's scale: a bounded
            // loss (dice, 1 − IoU) lives near 1 and falls a few percent while IoU goes 0.25 → 0.65.
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

            // A validation loss that was once far below where it ended shows a model that fit the task and lost it
            // (gradient bursts knocking it back): an instability, not a model that cannot fit.
            var bestVal = SeriesValues.Of(val).Where(Finite.Is).Min();
            if (bestVal < (1 - context.Option("max_lost")) * val.Points[li].Value)
            {
                yield break;
            }
        }
        else if (settled)
        {
            yield break; // a settled loss underfits only when validation shows it is as high
        }

        var atChance = !settled && chance is not null && AtChance(v, tail, run.ValLoss, chance.Loss, context.Option("chance_band"), context.Option("max_late_fall"));
        var architecture = ModelArchitecture.Of(run.Run.Config);
        var saturating = architecture.Saturating;
        double? layers = architecture.Layers;

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
            ThresholdDeepLayers: DeepLayers,
            Settled: settled,
            RelativeLateFall: lateFall,
            ThresholdSettledLevel: context.Option("settled_level"),
            ThresholdSettledFall: context.Option("settled_fall"),
            SettledReference: settled ? SettledReference(run, chance, v, context.Option("settled_accuracy")) : null);

        if (atChance)
        {
            yield return AtChanceFinding(context, loss, evidence, chance!, saturating, layers);
            yield break;
        }

        if (settled)
        {
            yield return SettledFinding(context, loss, evidence, chance, SettledReference(run, chance, v, context.Option("settled_accuracy"))!.Value);
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

    /// <summary>Relative fall of the loss over the second half of its logs (Theil–Sen slope times its length, over its
    /// median; negative when it rose).</summary>
    private static double LateFall(double[] train)
    {
        var half = train.AsSpan(train.Length / 2);
        return -Trend.TheilSen(half).Slope * half.Length / SeriesMath.Median(half);
    }

    /// <summary>What a settled loss is compared with: ln K when the number of classes is known, else the training loss's
    /// first log (a freshly initialised classifier head starts near ln K) when a validation accuracy is logged. Null when
    /// the validation accuracy ended above <paramref name="maxAccuracy"/>: a model right that often has learned much of the
    /// task, and a loss that levels off high beside it points at noisy labels, not at a model too small.</summary>
    private static double? SettledReference(RunView run, ChanceLevel? chance, double[] train, double maxAccuracy)
    {
        var accuracy = run.Run.Series.Values.FirstOrDefault(s => MetricNames.SplitOf(s.Key) == "val" && MetricNames.NameOf(s.Key) == "accuracy");
        var final = accuracy is { Count: >= 3 } && SeriesMath.LastFinite(SeriesValues.Of(accuracy)) is var i and >= 0 ? accuracy.Points[i].Value : (double?)null;
        if (final > maxAccuracy)
        {
            return null;
        }

        return chance?.Loss ?? (final is not null && train.FirstOrDefault(Finite.Is) is var first and > 0 ? first : null);
    }

    private static Finding SettledFinding(RuleContext context, Series loss, UnderfittingEvidence evidence, ChanceLevel? chance, double reference)
    {
        var recs = new List<Recommendation>
        {
            Recommendation.Do("Give the model more capacity: wider hidden layers (a layer of a few units cannot carry the task's information), more layers, or a model suited to the input; then reduce regularisation (weight decay, dropout) if it still underfits."),
            Recommendation.Do("Check that the model can fit at all: overfit a few batches on purpose; if even that fails, look for a bug (labels, loss, frozen weights)."),
        };
        var vocab = new TrainerVocabulary(context.Run.Run);
        if (vocab.LearningRate is { } lr)
        {
            recs.Add(Recommendation.Do($"If a larger model is not an option, try a higher learning rate ({Format.Number(lr)} → {Format.Number(TrainerVocabulary.Round3(lr * 3))}) or a longer schedule; a loss that has levelled off this high rarely moves much from that alone.", vocab.LearningRateChange(lr * 3)));
        }

        return context.Finding(
            Severity.Warning,
            0.7,
            $"Underfitting: {loss.Key} levelled off at {Format.Number(evidence.TailMedian)}, {Format.Percent(evidence.TailMedian / reference)} of "
                + (chance is not null ? $"the chance level (ln {chance.Classes} = {Format.Number(chance.Loss)}), " : $"its first log ({Format.Number(reference)}), ")
                + $"moving {Format.Percent(Math.Abs(evidence.RelativeLateFall))} over the second half of the run, and validation loss is as high (gap {Format.Percent(evidence.RelativeValGap ?? 0)})",
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            $"The model stopped improving while training and validation loss are still alike and high (at least {Format.Percent(evidence.ThresholdSettledLevel)} of the loss of a uniform guess, or of the untrained model's first loss): it cannot fit even its training data better, so its size or shape, not generalisation, is the limit.",
            loss.Key);
    }

    /// <summary>Layers from which a sigmoid/tanh stack counts as deep enough for its gradient to vanish (see
    /// <see cref="ModelArchitecture.DeepLayers"/>).</summary>
    public const int DeepLayers = ModelArchitecture.DeepLayers;

    /// <summary>Whether the loss never left chance level: its best validation value (else the training loss's last tenth) is
    /// no lower than ln K by more than <paramref name="band"/> (relative), its last tenth no higher by more than twice that,
    /// and it did not keep falling over the second half (which would be a slow descent, not a loss stuck at ln K).</summary>
    private static bool AtChance(double[] train, double tail, Series? val, double lnK, double band, double maxLateFall)
    {
        var best = val is { Count: >= 3 } ? SeriesValues.Of(val).Where(Finite.Is).DefaultIfEmpty(double.NaN).Min() : tail;
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

        var values = SeriesValues.Of(metric).Where(Finite.Is).ToArray();
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
