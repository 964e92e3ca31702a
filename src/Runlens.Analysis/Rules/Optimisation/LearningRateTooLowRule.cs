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
        new RuleOption("min_steadiness", 0.85, "Rank correlation of the loss with time (negated) from which the descent counts as steady"),
        new RuleOption("min_tail_drop", 0.01, "Relative fall over the last quarter of the logs that counts as still falling"),
        new RuleOption("min_pace_kept", 0.5, "The last quarter must also keep at least this fraction of the whole run's pace of descent (Theil–Sen slopes): a loss levelling off slows far more"),
        new RuleOption("chance_band", 0.05, "The loss counts as at chance level when its first and last tenth both lie within this fraction of ln K (K classes, from the config)"),
        new RuleOption("prior_factor", 10, "With the loss at chance, a learning rate this many times below the bottom of the model family's usual range (or below 1e-5 when the family is unknown) is reported"),
        new RuleOption("min_val_steadiness", 0.95, "With a noisy training loss, a validation loss this steady (rank correlation with time, negated), slow and still falling shows the same descent"),
        new RuleOption("min_val_evals", 8, "Evaluations the validation loss needs for its descent to be judged"),
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

        // Cause attribution for a loss stuck at chance level: ln K is the cross-entropy of a uniform guess over K classes,
        // so a loss that starts and ends there has learned nothing; a learning rate far below the family's usual range
        // (a prior from the literature) is then the likely cause.
        var classes = run.Run.Config.Number(ChanceLevel.ClassCountKeys);
        double? chance = classes is { } k && k >= 2 ? Math.Log(k) : null;
        var band = context.Option("chance_band");
        var atChance = chance is { } lnK && Math.Abs(head - lnK) <= band * lnK && Math.Abs(tail - lnK) <= band * lnK;
        var prior = LearningRatePrior.For(run.Run.Config);
        var smallForFamily = lr is { } r0 && r0 * context.Option("prior_factor") <= (prior?.Low ?? 1e-4);
        var stuck = atChance && smallForFamily;
        tinyLr |= stuck;
        var steadiness = -SeriesMath.TrendRank(v);
        var (tailDrop, latePace) = LastQuarter(v);
        // The validation loss is measured on the same examples every time, so it shows a slow descent that the training
        // loss's batch-to-batch noise hides.
        var minPace = context.Option("min_pace_kept");
        var (valSteadiness, valTailDrop, valPace) = ValDescent(run.ValLoss, (int)context.Option("min_val_evals"), context.Option("max_drop"));
        var valKeepsPace = valPace >= minPace;
        // Still falling means still falling at its pace (latePace): a loss that fell fast, then levelled off (a model too
        // small for the task settling, a model that learned the class prior) can still creep down a percent over its last
        // quarter.
        var slowAndSteady = drop > 0 && drop < context.Option("max_drop")
            && ((steadiness >= context.Option("min_steadiness") && tailDrop >= context.Option("min_tail_drop") && latePace >= minPace)
                || (valSteadiness >= context.Option("min_val_steadiness") && valKeepsPace));
        if (!slowAndSteady && !(tinyLr && drop < context.Option("max_drop")))
        {
            yield break;
        }

        // Gradients at the clip on most steps mean the steps are already as large as allowed: not a small learning rate.
        if (!tinyLr && run.GradNorm is { Count: >= 10 } g && vocab.MaxGradNorm is { } clip
            && SeriesValues.Of(g).Count(x => Finite.Is(x) && x >= clip) >= 0.5 * g.Count)
        {
            yield break;
        }

        var factor = stuck && prior is not null ? Math.Max(3, prior.Low / lr!.Value) : tinyLr ? 100 : 3;
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
            ThresholdTinyLearningRate: context.Option("tiny_lr"),
            Classes: classes is { } kk ? (int)kk : null,
            ChanceLevel: chance,
            ThresholdChanceBand: band,
            PriorFamily: prior?.Id,
            PriorLow: prior?.Low,
            PriorHigh: prior?.High,
            PriorSource: prior?.Source,
            ValSeries: valSteadiness is null ? null : run.ValLoss!.Key,
            ValSteadiness: valSteadiness,
            ValRelativeDropLastQuarter: valTailDrop,
            ThresholdValSteadiness: context.Option("min_val_steadiness"),
            ValKeepsPace: valSteadiness is null ? null : valKeepsPace,
            LatePaceFraction: latePace,
            ValLatePaceFraction: valPace,
            ThresholdPaceKeptFraction: minPace);

        var recs = new List<Recommendation>
        {
            lr is { } rate
                ? Recommendation.Do($"Raise the learning rate ({Format.Number(rate)} → {Format.Number(TrainerVocabulary.Round3(rate * factor))}); run a short learning-rate range test to find the largest stable value.", vocab.LearningRateChange(rate * factor))
                : Recommendation.Do("Raise the learning rate (about 3×); run a short learning-rate range test to find the largest stable value."),
        };

        yield return context.Finding(
            Severity.Warning,
            tinyLr ? 0.85 : 0.6,
            stuck
                ? $"The learning rate {Format.Number(lr!.Value)} is too low to learn: {loss.Key} stayed at chance level (ln {Format.Number(classes!.Value)} = {Format.Number(chance!.Value)}, {Format.Number(head)} → {Format.Number(tail)})"
                    + (prior is not null ? $", and the usual range for a {prior.Family} is {Format.Number(prior.Low)}–{Format.Number(prior.High)}" : $", and it is below {Format.Number(1e-4 / context.Option("prior_factor"))}")
                : tinyLr
                ? $"The learning rate {Format.Number(lr!.Value)} is tiny and {loss.Key} barely moved ({Format.Number(head)} → {Format.Number(tail)})"
                : $"The learning rate looks too low: {loss.Key} {(drop >= 0 ? "fell only " + Format.Percent(drop) : "rose " + Format.Percent(-drop))} ({Format.Number(head)} → {Format.Number(tail)}), steadily, and was still falling at the end",
            evidence,
            [loss.First.Step, loss.Last.Step],
            recs,
            "A loss that falls smoothly but slowly and has not levelled off is taking small steps: the optimiser could go faster.",
            loss.Key);
    }

    /// <summary>The validation loss's steadiness (negated rank correlation with time), its relative fall over the last
    /// quarter of its evaluations, and the pace its last quarter kept (its Theil–Sen slope over the whole run's; NaN when it
    /// did not fall), when it has enough finite evaluations and fell, slowly (less than <paramref name="maxDrop"/>).</summary>
    private static (double? Steadiness, double? TailDrop, double? LatePace) ValDescent(Runlens.Model.Series? val, int minEvals, double maxDrop)
    {
        if (val is null || val.Count < minEvals || LossLevels.Of(val, minEvals) is not { } levels || !(levels.Drop > 0) || levels.Drop >= maxDrop)
        {
            return (null, null, null);
        }

        // Still falling at the end means keeping a good part of the whole run's pace per evaluation there (a loss levelling
        // off slows far more); a descent so slow that its last quarter falls less than min_tail_drop counts when it does.
        var v = levels.Values;
        var (tailDrop, latePace) = LastQuarter(v);
        return (-SeriesMath.TrendRank(v), tailDrop, latePace);
    }

    /// <summary>The last quarter of a loss's levels: its relative fall (Theil–Sen slope × length over its median) and the
    /// pace it kept (its slope over the whole series'; NaN when the series did not fall).</summary>
    private static (double TailDrop, double LatePace) LastQuarter(double[] v)
    {
        var quarter = v.AsSpan(v.Length * 3 / 4);
        var quarterFall = -Trend.TheilSen(quarter).Slope;
        var pace = -Trend.TheilSen(v).Slope;
        return (quarterFall * quarter.Length / SeriesMath.Median(quarter), pace > 0 ? quarterFall / pace : double.NaN);
    }
}
