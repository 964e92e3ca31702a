using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0203: the gradient norm jumps by orders of magnitude (at a logged step, or inside a logging window as its
/// logged spread shows), is persistently huge, or becomes NaN/Infinity.</summary>
public sealed class ExplodingGradientsRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0203", "exploding-gradients", "Gradient norm jumps by orders of magnitude", RuleCategory.Optimisation, Severity.Error,
        [Signal.GradNorm],
        [typeof(ExplodingGradientsEvidence)],
        new RuleOption("jump_factor", 10, "A gradient norm this many times (an order of magnitude) the median of the preceding window counts as a jump"),
        new RuleOption("lr_rise", 2, "A jump logged while the learning rate is this many times its lowest value over the logs the norm is compared with follows the schedule (a warmup restarted, a spike) and is not counted"),
        new RuleOption("window", 20, "Logs in the window a gradient norm is compared with"),
        new RuleOption("huge_norm", 1000, "Median gradient norm above which gradients count as persistently exploded"),
        new RuleOption("std_concerning", 0.3, "grad_norm_std (log-to-log standard deviation of the norm, from successive differences) above which the norms are unstable (above 0.3 is concerning for norms clipped near 0.5)"),
        new RuleOption("std_critical", 0.5, "grad_norm_std above which the instability is critical (above 0.5: explosions or vanishing)"),
        new RuleOption("min_cv", 0.5, "grad_norm_std must also be at least this fraction of the median norm, so that large but steady norms do not count"),
        new RuleOption("min_points", 10, "Gradient-norm logs needed to judge"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var grad = context.Run.GradNorm!;
        if (grad.Count < context.Option("min_points"))
        {
            yield break;
        }

        var v = SeriesValues.Of(grad);
        var nonFinite = SeriesMath.CountNonFinite(v);
        var firstNonFinite = nonFinite == 0 ? -1 : Array.FindIndex(v, x => !Finite.Is(x));
        var median = SeriesMath.Median(v);
        var factor = context.Option("jump_factor");
        var window = (int)context.Option("window");
        var stats = new BlockStats(v, window);
        var points = grad.Points;
        LearningRateAt? lrAt = null;
        var lrRead = false;
        var lrRise = context.Option("lr_rise");
        var jumps = new List<int>();
        var lrDriven = 0;
        var spreadJumps = 0;

        // A trainer that logs the norm of one step in each logging window and the spread of the norms over the window
        // (grad_norm_std) shows a burst between two logged steps only in the spread. Some norm in a window is at least
        // std / √2 (whether the spread is the population or the sample standard deviation, over two or more steps), so a
        // window whose spread is that large is a jump inside it, though its logged norm is not.
        var vocab = new TrainerVocabulary(context.Run.Run);
        var spread = SpreadAt(vocab.GradNormStd);
        for (var i = 0; i < v.Length; i++)
        {
            // The first window has no block before it: judge its points against the logs before them once there are five.
            var baseline = i < window ? (i >= 5 ? SeriesMath.Median(v.AsSpan(0, i)) : double.NaN) : stats.Before(i).Median;
            if (!(baseline > 0))
            {
                continue;
            }

            var logged = Finite.Is(v[i]) && v[i] >= factor * baseline;
            var inWindow = !logged && spread is not null && spread.TryGetValue(points[i].Step, out var std)
                && Finite.Is(std) && std / Math.Sqrt(2) >= factor * baseline;
            if (!logged && !inWindow)
            {
                continue;
            }

            // A jump that comes with a learning rate well above its level over the preceding window is the schedule's
            // doing (a warmup started again on resume, a spike): the cause is the learning rate, reported by other rules.
            // The rate is compared with its lowest value over the logs the norm was compared with.
            // The learning-rate lookup is built at the first jump only: most runs have none.
            if (!lrRead)
            {
                lrAt = LearningRateAt.Of(context.Run.LearningRate);
                lrRead = true;
            }

            var from = i < window ? 0 : ((i / window) - 1) * window;
            if (lrAt is not null && lrAt[points[i].Step] >= lrRise * lrAt.Min(points[from].Step, points[Math.Max(0, i - 1)].Step))
            {
                lrDriven++;
                continue;
            }

            jumps.Add(i);
            spreadJumps += inWindow ? 1 : 0;
        }

        var huge = median > context.Option("huge_norm");

        // Seed 001's grad_norm_std: how much the norm varies from one log to the next. Estimated from successive differences
        // (median |g[i] − g[i−1]| / 0.954, the standard deviation for normal noise), which a trend such as the decay of the
        // norms as the loss falls does not inflate.
        var gradStd = v.Length > 10 ? SeriesMath.MedianAbsoluteChange(v) / 0.954 : double.NaN;
        var unstable = gradStd > context.Option("std_concerning") && gradStd >= context.Option("min_cv") * median;
        if (nonFinite == 0 && jumps.Count == 0 && !huge && !unstable)
        {
            yield break;
        }

        var maxIndex = SeriesMath.ArgBest(v, greaterIsBetter: true);
        var clip = vocab.MaxGradNorm;

        // Bursts: without clipping nothing caps the update a burst makes, so one jump in norms that swing from log to log
        // is already the recurrent-net picture of exploding gradients; two or more jumps are, clipped or not.
        var severe = nonFinite > 0 || huge || jumps.Count >= 2 || (jumps.Count == 1 && clip is null && unstable);

        // Unstable norms alone (no jump, nothing huge or non-finite) say the gradient is noisy, not that it exploded: a
        // short run or a small batch looks like this. Reported as information, without advice to change the learning rate.
        var noisyOnly = nonFinite == 0 && !huge && jumps.Count == 0;
        var evidence = new ExplodingGradientsEvidence(
            Series: grad.Key,
            Points: v.Length,
            Median: median,
            MaxValue: maxIndex >= 0 ? v[maxIndex] : double.NaN,
            MaxStep: maxIndex >= 0 ? grad.Points[maxIndex].Step : null,
            Jumps: jumps.Count,
            SpreadJumps: spreadJumps,
            ThresholdJumpFactor: factor,
            FirstJumpStep: jumps.Count > 0 ? grad.Points[jumps[0]].Step : null,
            JumpSteps: [.. jumps.Take(10).Select(i => grad.Points[i].Step)],
            NonFinitePoints: nonFinite,
            FirstNonFiniteStep: firstNonFinite >= 0 ? grad.Points[firstNonFinite].Step : null,
            ThresholdHugeNorm: context.Option("huge_norm"),
            GradNormStd: gradStd,
            ThresholdStdConcerning: context.Option("std_concerning"),
            ThresholdStdCritical: context.Option("std_critical"),
            LearningRateDrivenJumps: lrDriven,
            ThresholdLearningRateRise: lrRise,
            Clip: clip);

        var title = nonFinite > 0
            ? $"Gradient norm became {v[firstNonFinite]} at step {Format.Step(grad.Points[firstNonFinite].Step)} ({nonFinite} of {v.Length} logs not finite)"
            : huge
                ? $"Gradient norm is huge throughout: median {Format.Number(median)}, up to {Format.Number(v[maxIndex])} at step {Format.Step(grad.Points[maxIndex].Step)} (healthy runs sit near 0.2–1)"
                : jumps.Count > 0
                    ? $"Gradient norm jumped {jumps.Count} time{(jumps.Count == 1 ? "" : "s")} to ≥{Format.Number(factor)}× its recent median, first at step {Format.Step(grad.Points[jumps[0]].Step)} (max {Format.Number(v[maxIndex])})"
                        + (spreadJumps > 0 ? $"; {spreadJumps} of the jumps fell between logged steps, shown by a grad_norm_std at least {Format.Number(factor * Math.Sqrt(2))}× the recent median" : "")
                    : $"Gradient norms are noisy but did not jump: grad_norm_std {Format.Number(gradStd)} around a median of {Format.Number(median)}, no norm {Format.Number(factor)}× its recent median (above {Format.Number(context.Option("std_concerning"))} is unstable for norms clipped near 0.5)";

        var recs = new List<Recommendation>();
        if (noisyOnly)
        {
            recs.Add(Recommendation.Do("Norms that swing from log to log often come from small batches: a larger effective batch (gradient accumulation) steadies them."));
            if (clip is null)
            {
                recs.Add(Recommendation.Do("Clip gradients so that a burst, should one come, cannot throw the weights away.", vocab.Change(vocab.GradClipKey, 1.0)));
            }

            yield return context.Finding(
                Severity.Info,
                0.5,
                title,
                evidence,
                [],
                recs,
                "Gradient norms that vary a lot from one log to the next, without bursts, are noise in the gradient estimate rather than an explosion.",
                grad.Key);
            yield break;
        }

        recs.Add(clip is { } c && c <= 1
            ? Recommendation.Do($"Clipping at {Format.Number(c)} already caps each update, so the size of the raw gradients points at the learning rate, the loss scale or the data: find the batches at the jump steps and check them.")
            : Recommendation.Do("Clip gradients so one bad batch cannot throw the weights away.", vocab.Change(vocab.GradClipKey, 1.0)));
        if (vocab.LearningRate is { } lr)
        {
            recs.Add(Recommendation.Do($"Lower the learning rate ({Format.Number(lr)} → {Format.Number(lr / 3)}) and use a warmup.", vocab.LearningRateChange(lr / 3)));
        }

        recs.Add(Recommendation.Do("With fp16, prefer bf16 (no loss-scale overflow); check inputs for NaN/Inf and extreme values."));

        yield return context.Finding(
            severe ? Severity.Error : Severity.Warning,
            severe ? 0.85 : 0.6 + (0.1 * jumps.Count),
            title,
            evidence,
            [.. jumps.Take(10).Select(i => grad.Points[i].Step), .. firstNonFinite >= 0 ? new[] { grad.Points[firstNonFinite].Step } : []],
            recs,
            "Gradients far larger than usual make single updates move the weights a long way: training becomes unstable, and a non-finite gradient destroys the weights.",
            grad.Key);
    }

    /// <summary>The logged spread of the gradient norm by step, or null when none is logged.</summary>
    private static Dictionary<long, double>? SpreadAt(Model.Series? spread)
    {
        if (spread is not { Count: > 0 })
        {
            return null;
        }

        var at = new Dictionary<long, double>(spread.Count);
        foreach (var p in spread.Points)
        {
            at[p.Step] = p.Value;
        }

        return at;
    }
}
