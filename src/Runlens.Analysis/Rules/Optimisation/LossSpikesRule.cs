using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0206: isolated spikes in the training loss (far above its local level, then back).</summary>
public sealed class LossSpikesRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0206", "loss-spikes", "Isolated spikes in the training loss", RuleCategory.Optimisation, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(LossSpikesEvidence), typeof(LossNoiseEvidence)],
        new RuleOption("window", 25, "Logs in the local window a point is compared with"),
        new RuleOption("min_z", 6, "Robust z-score of the log loss (median/MAD of the preceding window) from which a point is a spike"),
        new RuleOption("min_ratio", 1.5, "A spike must also be at least this many times the local median"),
        new RuleOption("min_excess", 0.02, "A spike must rise above the local median by at least this fraction of the loss's starting level (median of the first tenth of the logs), so wiggles of a loss near zero do not count"),
        new RuleOption("recover_within", 5, "Logs within which the loss must return to its level for the spike to count as isolated"),
        new RuleOption("warning_spikes", 3, "Spikes from which the finding is a warning rather than information"),
        new RuleOption("max_loss_std", 1.0, "loss_std (median standard deviation of the loss over blocks of `window` logs) above which, after the first epochs, the loss is too noisy (above 1.0 consistently points at label or data problems)"),
        new RuleOption("settled_epoch", 5, "Epoch after which loss_std is judged (0.3–0.8 is normal in epochs 1–5); without epochs, the second half of the logs"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var loss = context.Run.TrainLoss!;
        var v = SeriesValues.Of(loss);
        var window = (int)context.Option("window");
        if (v.Length < 2 * window)
        {
            yield break;
        }

        // Robust z-scores on the log of the loss: per-batch losses near zero are heavy-tailed (a hard batch at 20× a tiny
        // median is ordinary), and a multiplicative scale treats a loss of 2 and of 0.01 alike.
        var logs = new double[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            logs[i] = v[i] > 0 ? Math.Log(v[i]) : double.NaN;
        }

        foreach (var noisy in HighLossStd(context, loss, v, window))
        {
            yield return noisy;
        }

        var stats = new BlockStats(logs, window);
        var minZ = context.Option("min_z");
        var minRatio = context.Option("min_ratio");
        var recover = (int)context.Option("recover_within");
        var startLevel = SeriesMath.HeadTail(v).Head;
        var minExcess = context.Option("min_excess") * Math.Abs(startLevel);
        var spikes = new List<(int Index, double Ratio)>();
        for (var i = 0; i < v.Length; i++)
        {
            var (logMedian, logMad) = stats.Before(i);
            if (!Finite.Is(logs[i]) || !Finite.Is(logMedian))
            {
                continue;
            }

            var logScale = Math.Max(logMad, 1e-3);
            if ((logs[i] - logMedian) / logScale < minZ)
            {
                continue; // most points: the level itself is needed only for the few far above it
            }

            var median = Math.Exp(logMedian);
            if (v[i] < minRatio * median || v[i] - median < minExcess)
            {
                continue;
            }

            if (spikes.Count > 0 && i - spikes[^1].Index <= 1)
            {
                // the same spike continuing: keep its peak
                if (v[i] / median > spikes[^1].Ratio)
                {
                    spikes[^1] = (i, v[i] / median);
                }

                continue;
            }

            var back = false;
            for (var j = i + 1; j < Math.Min(v.Length, i + 1 + recover + 1); j++)
            {
                if (Finite.Is(logs[j]) && logs[j] <= logMedian + (3 * logScale) && v[j] < minRatio * median)
                {
                    back = true;
                    break;
                }
            }

            if (back)
            {
                spikes.Add((i, v[i] / median));
            }
        }

        if (spikes.Count == 0)
        {
            yield break;
        }

        var worst = spikes.MaxBy(s => s.Ratio);
        var warning = spikes.Count >= context.Option("warning_spikes") || worst.Ratio >= 3;
        var evidence = new LossSpikesEvidence(
            Series: loss.Key,
            Spikes: spikes.Count,
            SpikeSteps: [.. spikes.Take(20).Select(s => loss.Points[s.Index].Step)],
            LargestStep: loss.Points[worst.Index].Step,
            LargestValue: v[worst.Index],
            LargestRatio: worst.Ratio,
            ThresholdZ: minZ,
            ThresholdRatio: minRatio,
            Window: window,
            Points: v.Length);

        var vocab = new TrainerVocabulary(context.Run.Run);
        var recs = new List<Recommendation>
        {
            Recommendation.Do($"Look at the batches logged at the spike steps ({string.Join(", ", spikes.Take(5).Select(s => Format.Step(loss.Points[s.Index].Step)))}): mislabelled, corrupted or out-of-distribution examples cause isolated spikes."),
        };
        if (vocab.LearningRate is { } lr && warning)
        {
            recs.Add(Recommendation.Do($"If spikes keep coming, lower the learning rate ({Format.Number(lr)} → {Format.Number(lr / 2)}) and clip gradients.",
                vocab.LearningRateChange(lr / 2), vocab.Change(vocab.GradClipKey, vocab.MaxGradNorm ?? 1.0)));
        }

        yield return context.Finding(
            warning ? Severity.Warning : Severity.Info,
            Math.Min(0.95, 0.55 + (0.1 * spikes.Count)),
            $"{spikes.Count} isolated spike{(spikes.Count == 1 ? "" : "s")} in {loss.Key}; the largest {Format.Number(v[worst.Index])} at step {Format.Step(loss.Points[worst.Index].Step)}, {Format.Number(worst.Ratio)}× the local level",
            evidence,
            spikes.Take(20).Select(s => loss.Points[s.Index].Step),
            recs,
            "A loss that jumps far above its level for a step or two and comes back points at individual bad batches or at updates that were briefly too large.",
            loss.Key);
    }

    /// <summary>Seed 001's loss_std: once the first epochs are over, a loss whose standard deviation over short stretches
    /// stays above 1.0 points at mislabelled or corrupted samples.</summary>
    private static IEnumerable<Finding> HighLossStd(RuleContext context, Model.Series loss, double[] v, int window)
    {
        var settled = context.Option("settled_epoch");
        var from = -1;
        var hasEpochs = false;
        for (var i = 0; i < loss.Count && from < 0; i++)
        {
            var epoch = loss.Points[i].Epoch;
            hasEpochs |= Finite.Is(epoch);
            from = epoch >= settled ? i : -1;
        }

        if (from < 0)
        {
            from = hasEpochs ? v.Length : v.Length / 2;
        }

        if (!(SeriesMath.Median(v) > 0))
        {
            yield break; // a loss at or below zero is suspicious-values' case
        }

        if (v.Length - from < 2 * window)
        {
            yield break;
        }

        var lossStd = SeriesMath.Median(Rolling.Blocks(v.AsSpan(from), window).StdDev);
        if (!(lossStd > context.Option("max_loss_std")))
        {
            yield break;
        }

        yield return context.Finding(
            Severity.Warning,
            0.6,
            $"{loss.Key} stays noisy: loss_std {Format.Number(lossStd)} from step {Format.Step(loss.Points[from].Step)} on (above {Format.Number(context.Option("max_loss_std"))} consistently points at mislabelled or corrupted samples)",
            new LossNoiseEvidence(
                Series: loss.Key,
                LossStd: lossStd,
                Threshold: context.Option("max_loss_std"),
                FirstStep: loss.Points[from].Step,
                LastStep: loss.Last.Step,
                Window: window),
            [loss.Points[from].Step, loss.Last.Step],
            [Recommendation.Do("Audit the labels and inputs: look at the examples with the highest loss (a confident-learning pass finds likely mislabels), and at mixed-quality sources."),
             Recommendation.Do("If the data is clean, a larger batch (or gradient accumulation) smooths the per-step loss.")],
            "Long after the model should have settled, individual batches still produce very different losses: some examples are inconsistent with the rest.",
            loss.Key);
    }
}
