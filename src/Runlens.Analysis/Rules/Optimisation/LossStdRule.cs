using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>
/// RL0207: the per-batch loss spread a trainer logs (<c>train/loss_std</c>) judged by the range expected for its epoch
/// (0.3–0.8 in epochs 1–5 while the model explores, 0.1–0.3 in epochs 5–15, 0.05–0.2 after): consistently above 1.0
/// (severe label or sample problems), never below 0.5 by epoch 10 (mixed data quality), rising over the run (memorising,
/// failing on edge cases), or sudden spikes (a batch of mislabelled or out-of-distribution samples).
/// </summary>
public sealed class LossStdRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0207", "loss-std", "The per-batch loss spread (loss_std) is outside its healthy range", RuleCategory.Optimisation, Severity.Warning,
        [],
        [typeof(LossStdEvidence)],
        new RuleOption("severe", 1.0, "loss_std above which, as the median after `settled_epoch`, labels or samples are badly wrong (usual guidance: > 1.0 consistently)"),
        new RuleOption("settled_epoch", 5, "Epoch after which the spread should have fallen (0.3–0.8 is normal in epochs 1–5)"),
        new RuleOption("mixed_quality", 0.5, "loss_std the run must have fallen below by `judge_epoch` (never below 0.5: mixed data quality)"),
        new RuleOption("judge_epoch", 10, "Epoch a run must reach before `mixed_quality` is judged (usual guidance: high after epoch 10)"),
        new RuleOption("rise", 1.5, "Final loss_std, as a multiple of its lowest value after `settled_epoch`, that counts as rising over time (when also above the range for its epoch)"),
        new RuleOption("spike_ratio", 4, "A value this many times the median of the 5 logs before it is a spike (usual guidance: 0.2 → 1.5)"),
        new RuleOption("spike_min", 1.0, "A spike must also reach at least this loss_std"));

    public bool Applies(RunView run) => new TrainerVocabulary(run.Run).LossStd("train") is { Count: >= 3 };

    /// <summary>The healthy range of loss_std for an epoch: exploring, then falling, then stable.</summary>
    public static (double Low, double High) Expected(double epoch) => epoch <= 5 ? (0.3, 0.8) : epoch <= 15 ? (0.1, 0.3) : (0.05, 0.2);

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        if (new TrainerVocabulary(context.Run.Run).LossStd("train") is not { } series)
        {
            yield break;
        }

        var e = LoggedEpochs.Of(series);
        if (e.Count < 3 || LossBlewUp(context.Run.TrainLoss))
        {
            yield break; // a loss that overflows or climbs spreads with it: that is divergence's finding, not the data's
        }

        var settled = e.After(context.Option("settled_epoch"));
        var lastEpoch = e.Epochs[^1];
        var (low, high) = Expected(lastEpoch);
        var severe = context.Option("severe");
        var mixed = context.Option("mixed_quality");
        var settledValues = settled.Select(i => e.Values[i]).ToArray();
        var settledMedian = settledValues.Length >= 2 ? SeriesMath.Median(settledValues) : double.NaN;
        var min = e.Values.Min();
        var minSettled = settledValues.Length >= 2 ? settledValues.Min() : double.NaN;

        if (settledMedian > severe)
        {
            yield return Make(context, e, series.Key, "severe", settled[0], e.Count - 1, settledMedian, severe, null, Severity.Warning, 0.85,
                $"{series.Key} stays above {Format.Number(severe)} after epoch {Format.Number(context.Option("settled_epoch"))}: median {Format.Number(settledMedian)} against a healthy {Format.Number(low)}–{Format.Number(high)} at epoch {Format.Number(Math.Floor(lastEpoch))} (consistently above {Format.Number(severe)} points at badly wrong labels or corrupted samples)");
            yield break;
        }

        if (lastEpoch >= context.Option("judge_epoch") && min >= mixed)
        {
            yield return Make(context, e, series.Key, "never-settles", 0, e.Count - 1, SeriesMath.Median(e.Values), mixed, null, Severity.Warning, 0.75,
                $"{series.Key} never fell below {Format.Number(mixed)} in {Format.Number(Math.Floor(lastEpoch))} epochs (lowest {Format.Number(min)}, healthy by now {Format.Number(low)}–{Format.Number(high)}): batches of very different difficulty, a sign of mixed data quality or mislabelled samples");
            yield break;
        }

        if (settled.Length >= 4 && e.Values[^1] >= context.Option("rise") * minSettled && e.Values[^1] > high
            && SeriesMath.TrendRank(settledValues) > 0.5)
        {
            yield return Make(context, e, series.Key, "rising", settled[0], e.Count - 1, settledMedian, context.Option("rise"), minSettled, Severity.Warning, 0.7,
                $"{series.Key} rises after epoch {Format.Number(context.Option("settled_epoch"))}: {Format.Number(minSettled)} → {Format.Number(e.Values[^1])}, above the healthy {Format.Number(low)}–{Format.Number(high)} for epoch {Format.Number(Math.Floor(lastEpoch))} (a spread that grows while training goes on: the model fits most batches and fails on the edge cases)");
            yield break;
        }

        var spikes = new List<(int Index, double Before)>();
        for (var i = 3; i < e.Count; i++)
        {
            var before = SeriesMath.Median(e.Values.AsSpan(Math.Max(0, i - 5), Math.Min(5, i)));
            if (e.Values[i] >= context.Option("spike_min") && before > 0 && e.Values[i] >= context.Option("spike_ratio") * before)
            {
                spikes.Add((i, before));
            }
        }

        if (spikes.Count > 0)
        {
            var (at, before) = spikes.MaxBy(s => e.Values[s.Index] / s.Before);
            yield return Make(context, e, series.Key, "spike", spikes[0].Index, spikes[^1].Index, SeriesMath.Median(e.Values), context.Option("spike_ratio"), before,
                spikes.Count >= 2 ? Severity.Warning : Severity.Info, 0.6 + Math.Min(0.25, 0.1 * spikes.Count),
                $"{series.Key} jumped from {Format.Number(before)} to {Format.Number(e.Values[at])} at step {Format.Step(e.Steps[at])}"
                    + (spikes.Count > 1 ? $" ({spikes.Count} such jumps)" : "")
                    + $": more than {Format.Number(context.Option("spike_ratio"))}× its level before, the mark of a batch of mislabelled or out-of-distribution samples (or of an update too large: see the gradient norm)");
        }
    }

    /// <summary>True when the training loss has non-finite values or ends (the median of its last tenth) at more than 1.5
    /// times the lowest level it reached (the smallest median of ten equal blocks): a loss that overflows or climbs back
    /// spreads with it, and the spread then measures that instability, not how evenly the data is fitted.</summary>
    private static bool LossBlewUp(Model.Series? loss)
    {
        if (loss is not { Count: > 0 })
        {
            return false;
        }

        var v = SeriesValues.Of(loss);
        if (SeriesMath.CountNonFinite(v) > 0)
        {
            return true;
        }

        // The lowest level it reached: the smallest median of ten equal blocks (the first tenth for short series).
        var (head, tail) = SeriesMath.HeadTail(v);
        var lowest = head;
        if (v.Length >= 20)
        {
            for (var b = 0; b < 10; b++)
            {
                var from = b * v.Length / 10;
                lowest = Math.Min(lowest, SeriesMath.Median(v.AsSpan(from, ((b + 1) * v.Length / 10) - from)));
            }
        }

        return lowest > 0 && tail > 1.5 * lowest;
    }

    private static Finding Make(RuleContext context, LoggedEpochs e, string key, string level, int first, int last, double median,
        double threshold, double? before, Severity severity, double confidence, string title)
    {
        var max = Array.IndexOf(e.Values, e.Values.Max());
        var (low, high) = Expected(e.Epochs[^1]);
        var evidence = new LossStdEvidence(
            Series: key,
            Level: level,
            FirstStep: e.Steps[first],
            LastStep: e.Steps[last],
            FirstEpoch: e.Epochs[first],
            LastEpoch: e.Epochs[last],
            EpochsFromLogIndex: e.FromLogIndex,
            Points: e.Count,
            Median: median,
            MinValue: e.Values.Min(),
            MaxValue: e.Values[max],
            MaxStep: e.Steps[max],
            FinalValue: e.Values[^1],
            ExpectedLow: low,
            ExpectedHigh: high,
            Threshold: threshold,
            ValueBefore: before);
        List<Recommendation> recs = level == "rising"
            ?
            [
                Recommendation.Do("Read the examples the model gets wrong late in training (the highest-entropy validation samples): a spread that grows while the mean loss falls means a few hard or mislabelled examples are left."),
                Recommendation.Do("Stop at the best validation checkpoint and add regularisation (dropout, weight decay, augmentation) so the model stops memorising the easy batches."),
            ]
            :
            [
                Recommendation.Do("Review the highest-entropy (least certain) samples for wrong labels: `runlens evaluate PREDICTIONS` lists them, and label-noise finds confidently contradicted labels when given out-of-sample predictions."),
                Recommendation.Do("Check the accuracy of each data source (per-dataset accuracy) for one that scores far below the others, and filter out low-quality samples (corrupt audio, wrong-language text, broken images)."),
                Recommendation.Do("Consider leaving out a data source whose accuracy stays far below the others until its labels are checked."),
            ];
        return context.Finding(severity, confidence, title, evidence, [e.Steps[first], e.Steps[last]], recs,
            level == "rising"
                ? "The loss spread across batches should shrink and settle as training goes on; growing, it says the model fits most batches ever better and a few ever worse."
                : "Per-batch losses that stay far apart mean some batches are much harder than the rest: wrong labels, corrupted samples or a source of different quality, which the model cannot learn from and which limit its accuracy.",
            key);
    }
}
