using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0201: the training loss oscillates without making progress (with spikes or gradients pinned at the clip), or
/// turns upward after an early best while the learning rate stays up (often as a warmup raises it), or makes no progress
/// at a learning rate far above the usual one for the model family, or was thrown by the first updates far above where a
/// fresh classifier starts (ln K) and still bounces.</summary>
public sealed class LearningRateTooHighRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0201", "lr-too-high", "Learning rate too high: the loss oscillates or rises instead of falling", RuleCategory.Optimisation, Severity.Warning,
        [Signal.TrainLoss],
        [typeof(LearningRateTooHighEvidence)],
        new RuleOption("window", 10, "Logs per window for the loss's relative standard deviation"),
        new RuleOption("max_oscillation", 0.3, "Median relative standard deviation of the loss (std / mean over a window) above which it oscillates"),
        new RuleOption("max_drop", 0.1, "The loss counts as making no progress when it fell less than this, relative, from the first to the last quarter of its logs"),
        new RuleOption("min_rise", 0.5, "The loss counts as rising when the median of its last quarter is this much (relative) above its best smoothed level"),
        new RuleOption("max_turn_position", 0.6, "The best smoothed level must come within this fraction of the logs for the loss to count as turning upward"),
        new RuleOption("min_rise_oscillation", 0.15, "A rise at a steady learning rate counts only when the loss also bounces at least this much (a single step to a new level is a data change, not the learning rate)"),
        new RuleOption("prior_factor", 10, "A peak learning rate this many times the top of the model family's usual range is far above it"),
        new RuleOption("min_blowup", 3, "The loss counts as blown up when its highest log in the first tenth is this many times ln K, the loss of a uniform guess over K classes (where a fresh classifier starts)"),
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
            var gv = SeriesValues.Of(g).Where(Finite.Is).ToArray();
            clippedFraction = gv.Length == 0 ? double.NaN : gv.Count(x => x >= clip) / (double)gv.Length;
        }

        var oscillates = oscillation > context.Option("max_oscillation");

        // The first updates threw the loss far above where a fresh classifier starts (ln K), and it still bounces: steps
        // too large from the start. Only where K is known; a loss that is not finite is numerical overflow's case.
        var chance = ChanceLevel.Of(run);
        var earlyPeak = v.Take(Math.Max(3, v.Length / 10)).Where(Finite.Is).DefaultIfEmpty(double.NaN).Max();
        double? blowUp = chance is { } ch && Finite.Is(earlyPeak) ? earlyPeak / ch.Loss : null;
        var blewUp = blowUp >= context.Option("min_blowup") && oscillation >= context.Option("min_rise_oscillation")
            && v.All(Finite.Is);
        var pinned = clippedFraction >= 0.9;

        // Cause attribution: where the loss turned upward, and the learning rate in effect there.
        var turn = Turn.Of(loss, v, context.Option("max_turn_position"), context.Option("min_rise"));
        var lrAt = turn is null ? null : LearningRateAt.Of(run.LearningRate);
        double? lrAtTurn = null, peakAfter = null;
        var warmupTurn = false;
        var scheduleMoved = false;
        if (turn is { } t && lrAt is not null)
        {
            lrAtTurn = lrAt[t.Step];
            peakAfter = lrAt.Max(t.Step, loss.Last.Step);
            var raised = peakAfter >= 1.5 * lrAtTurn;

            // Raised by a warmup that never fell before the turn: the loss turned as the rate climbed. Raised after a decay
            // (a schedule restarted on resume, a spike) is a different cause, left to the rules for sudden changes.
            warmupTurn = raised && lrAt.NonDecreasingUntil(t.Step);
            scheduleMoved = raised && !warmupTurn;
        }

        var rises = turn is not null && !scheduleMoved
            && (warmupTurn || oscillation >= context.Option("min_rise_oscillation") || clippedFraction >= 0.5);

        var prior = LearningRatePrior.For(run.Run.Config);
        var peak = peakAfter is { } pa ? Math.Max(pa, vocab.LearningRate ?? 0) : vocab.LearningRate;
        double? priorRatio = prior is not null && peak is { } pk ? pk / prior.High : null;
        var farAbovePrior = priorRatio >= context.Option("prior_factor") && noProgress;

        if (!(noProgress && (oscillates || pinned)) && !rises && !farAbovePrior && !blewUp)
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
            LearningRate: vocab.LearningRate,
            TurnStep: turn?.Step,
            TurnLevel: turn?.Level ?? double.NaN,
            Rise: turn?.Rise ?? double.NaN,
            ThresholdRise: context.Option("min_rise"),
            LearningRateAtTurn: lrAtTurn,
            PeakLearningRate: peak,
            PriorFamily: prior?.Id,
            PriorLow: prior?.Low,
            PriorHigh: prior?.High,
            PriorSource: prior?.Source,
            PriorRatio: priorRatio,
            EarlyPeak: earlyPeak,
            ChanceLoss: chance?.Loss,
            BlowUp: blowUp,
            ThresholdBlowUp: context.Option("min_blowup"));

        // The rate to propose: where the loss was still falling (the rate at the turn of a warmup), within the family's
        // usual range when one is known, else a third of the current one.
        var current = peak ?? vocab.LearningRate;
        var target = current is { } c0 ? c0 / 3 : (double?)null;
        if (warmupTurn && lrAtTurn is { } lt)
        {
            target = Math.Min(target ?? lt, lt);
        }

        if (prior is not null && priorRatio > 3)
        {
            target = Math.Min(target ?? prior.High, prior.High);
        }

        var recs = new List<Recommendation>();
        if (current is { } cur && target is { } to)
        {
            var why = prior is not null && priorRatio > 3
                ? $"; the usual range for a {prior.Family} is {Format.Number(prior.Low)}–{Format.Number(prior.High)}"
                : warmupTurn && lrAtTurn is { } l2 ? $"; the loss was still falling at {Format.Number(l2)}" : "";
            recs.Add(Recommendation.Do($"Lower the learning rate ({Format.Number(cur)} → {Format.Number(TrainerVocabulary.Round3(to))}{why}).", vocab.LearningRateChange(to)));
        }
        else
        {
            recs.Add(Recommendation.Do("Lower the learning rate (about 3×)."));
        }

        if (!warmupTurn && !vocab.HasWarmup)
        {
            recs.Add(Recommendation.Do("Add a warmup so the first updates are small.", vocab.IsHf ? [vocab.Change("warmup_ratio", 0.1)] : []));
        }

        string title;
        if (rises && turn is { } tt)
        {
            title = $"The learning rate looks too high: {loss.Key} fell to {Format.Number(tt.Level)} by step {Format.Step(tt.Step)}, then rose {Format.Percent(tt.Rise)} (to {Format.Number(tail)})"
                + (warmupTurn && lrAtTurn is { } l3 && peakAfter is { } p3 ? $" as the warmup raised the learning rate from {Format.Number(l3)} to {Format.Number(p3)}"
                    : pinned ? $", with {Format.Percent(clippedFraction)} of gradient norms at the clip"
                    : $", bouncing {Format.Percent(oscillation)} around its mean");
        }
        else if (blewUp && !(noProgress && (oscillates || pinned)) && blowUp is { } bu)
        {
            title = $"The learning rate looks too high: {loss.Key} jumped to {Format.Number(earlyPeak)} in its first logs, {Format.Number(Math.Round(bu, 1))}× the {Format.Number(chance!.Loss)} a fresh classifier starts at, and still bounces {Format.Percent(oscillation)} around its mean ({Format.Number(head)} → {Format.Number(tail)})";
        }
        else
        {
            title = $"The learning rate looks too high: {loss.Key} "
                + (oscillates ? $"swings {Format.Percent(oscillation)} around its mean" : "makes no progress")
                + (pinned ? $" with {Format.Percent(clippedFraction)} of gradient norms at the clip" : "")
                + (drop >= 0 ? $", and fell only {Format.Percent(drop)}" : $", and rose {Format.Percent(-drop)}")
                + $" ({Format.Number(head)} → {Format.Number(tail)})";
        }

        if (prior is not null && priorRatio > 3 && peak is { } pp)
        {
            title += $"; {Format.Number(pp)} is {Format.Number(Math.Round(priorRatio.Value))}× the top of the usual range for a {prior.Family} ({Format.Number(prior.Low)}–{Format.Number(prior.High)})";
        }

        yield return context.Finding(
            Severity.Warning,
            (oscillates && pinned) || (rises && warmupTurn) || farAbovePrior ? 0.8 : 0.6,
            title,
            evidence,
            turn is { } t4 ? [loss.First.Step, t4.Step, loss.Last.Step] : [loss.First.Step, loss.Last.Step],
            recs,
            warmupTurn
                ? "The loss fell while the learning rate was small and turned upward once the warmup raised it past what the loss surface allows: the peak rate is too high."
                : "Updates too large for the loss surface make the loss bounce around, or climb, instead of settling into a minimum.",
            loss.Key);
    }

    /// <summary>The best level of the loss (the lowest median of consecutive blocks of about a fortieth of the logs, in
    /// one linear pass), when it comes early and the last quarter sits well above it.</summary>
    private readonly record struct Turn(long Step, double Level, double Rise)
    {
        public static Turn? Of(Model.Series loss, double[] v, double maxPosition, double minRise)
        {
            var n = v.Length;
            var size = Math.Max(3, n / 40);
            var best = double.PositiveInfinity;
            var at = -1;
            for (var from = 0; from + size <= n; from += size)
            {
                var m = SeriesMath.Median(v.AsSpan(from, size));
                if (m < best)
                {
                    best = m;
                    at = from + (size / 2);
                }
            }

            if (at < 0 || at > maxPosition * n || !(best > 0))
            {
                return null;
            }

            var tail = SeriesMath.Median(v.AsSpan(n * 3 / 4));
            var rise = (tail - best) / best;
            return rise >= minRise ? new Turn(loss.Points[at].Step, best, rise) : null;
        }
    }
}
