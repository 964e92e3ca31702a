using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0104: the primary metric has stopped improving — flat (not worse) over the last evaluations.</summary>
public sealed class PlateauRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0104", "plateau", "The primary metric has stopped improving", RuleCategory.LearningDynamics, Severity.Info,
        [Signal.ValMetric],
        [typeof(PlateauEvidence)],
        new RuleOption("window", 5, "Last evaluations examined (usual guidance: 5+ epochs)"),
        new RuleOption("min_improvement", 0.005, "Relative improvement over the best before the window below which the metric is flat (usual guidance: < 0.5%)"),
        new RuleOption("min_fraction_of_gain", 0.02, "Improvement over the window, as a share of everything gained before it, below which a metric still creeping is flat"),
        new RuleOption("band", 0.02, "Largest spread of the window's values, relative to the earlier best, for the metric to count as flat rather than getting worse"),
        new RuleOption("lr_floor", 0.01, "Learning rate, as a share of its peak, below which the schedule has run out"),
        new RuleOption("lr_floor_share", 0.5, "Share of the run spent below lr_floor that makes a plateau the schedule's doing (a warning)"),
        new RuleOption("min_flat_fraction", 0.5, "Share of the evaluated span since the metric last improved by more than min_improvement below which a flat tail is convergence, not a plateau (0.5: flat for longer than it was improving)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var metric = run.Primary!;
        var greater = run.PrimaryGreaterIsBetter;
        var points = metric.Points.Where(p => Finite.Is(p.Value)).ToList();
        var window = (int)context.Option("window");
        if (window < 2 || points.Count < window + 2)
        {
            yield break;
        }

        var before = points.Take(points.Count - window).Select(p => p.Value).ToArray();
        var inWindow = points.Skip(points.Count - window).Select(p => p.Value).ToArray();
        var bestBefore = before[SeriesMath.ArgBest(before, greater)];
        var bestIn = inWindow[SeriesMath.ArgBest(inWindow, greater)];
        var scale = Math.Abs(bestBefore);
        if (scale == 0)
        {
            yield break;
        }

        var improvement = (greater ? bestIn - bestBefore : bestBefore - bestIn) / scale;
        var spread = (inWindow.Max() - inWindow.Min()) / scale;
        // A metric creeping on by a fraction of a percent per evaluation is flat when that is a sliver of what the run
        // gained before: the first value to the best before the window.
        var gained = greater ? bestBefore - before[0] : before[0] - bestBefore;
        var shareOfGain = gained > 0 ? improvement * scale / gained : double.PositiveInfinity;
        var creeping = improvement >= context.Option("min_improvement") && shareOfGain >= context.Option("min_fraction_of_gain");
        if (creeping || spread > context.Option("band") || improvement < -context.Option("band"))
        {
            // Still improving, moving too much to be a plateau, or flat at a level worse than the earlier best by more than
            // the band: a drop that did not recover (sudden-metric-drop) or overfitting, not a plateau.
            yield break;
        }

        var lastGain = LastGain(points.Select(p => p.Value).ToArray(), greater, context.Option("min_improvement"));
        var flatFraction = points[^1].Step > points[0].Step ? (points[^1].Step - points[lastGain].Step) / (double)(points[^1].Step - points[0].Step) : 0;
        if (flatFraction < context.Option("min_flat_fraction"))
        {
            yield break; // a flat tail after steady progress is what convergence looks like (early-stopping says what it cost)
        }

        var rates = Trend.ImprovementRates(points.Select(p => p.Value).ToArray(), greater)[^window..];
        var meanRate = rates.Where(Finite.Is).DefaultIfEmpty(double.NaN).Average();
        var start = points[points.Count - window];
        var end = points[^1];
        var floor = ScheduleRanOut(run.LearningRate, start.Step, context.Option("lr_floor"), context.Option("lr_floor_share"));
        var evidence = new PlateauEvidence(
            Series: metric.Key,
            Window: window,
            FirstStep: start.Step,
            LastStep: end.Step,
            BestBeforeWindow: bestBefore,
            BestInWindow: bestIn,
            RelativeImprovement: improvement,
            Threshold: context.Option("min_improvement"),
            RelativeSpread: spread,
            ThresholdSpread: context.Option("band"),
            MeanRelativeImprovement: meanRate,
            GainRatio: Finite.Is(shareOfGain) ? shareOfGain : null,
            ThresholdGainRatio: context.Option("min_fraction_of_gain"),
            FlatSinceStep: points[lastGain].Step,
            FlatFraction: flatFraction,
            ThresholdFlatFraction: context.Option("min_flat_fraction"),
            LearningRateFloorSinceStep: floor?.Since,
            LearningRateFloorFraction: floor?.Share,
            LearningRatePeak: floor?.Peak,
            ThresholdLearningRateFloor: floor is null ? null : context.Option("lr_floor"));

        var vocab = new TrainerVocabulary(run.Run);
        var lrSeries = run.LearningRate;
        var lrConstant = lrSeries is { Count: > 1 } && lrSeries.Points.Select(p => p.Value).Where(Finite.Is).Distinct().Count() == 1;
        var recs = new List<Recommendation>();
        if (floor is { } f)
        {
            recs.Add(Recommendation.Do(
                $"Make the learning-rate schedule as long as the run: the rate fell under {Format.Percent(context.Option("lr_floor"))} of its peak {Format.Number(f.Peak)} at step {Format.Step(f.Since)} and stayed there for {Format.Percent(f.Share)} of the run, so the model could no longer move (set the scheduler's total steps, T_max or decay length to the steps the run actually trains)."));
        }

        recs.AddRange(new List<Recommendation>
        {
            Recommendation.Do($"Stop around step {Format.Step(start.Step)}: the last {window} evaluations added less than {Format.Percent(context.Option("min_improvement"))}.",
                vocab.Change(vocab.EarlyStoppingPatience, Math.Max(2, window - 2))),
        });
        if (lrConstant || lrSeries is null)
        {
            recs.Add(Recommendation.Do(
                lrConstant ? "The learning rate is constant: lower it when the metric stalls (a decaying schedule or reduce-on-plateau) to get the last gains." : "Lower the learning rate when the metric stalls (a decaying schedule or reduce-on-plateau).",
                vocab.IsHf ? [vocab.Change("lr_scheduler_type", "cosine")] : [vocab.Change("ReduceLROnPlateau.patience", 2)]));
        }

        recs.Add(Recommendation.Do("If the plateau is too low for your needs, the model or the data is the limit: more capacity, better features or more data, not more steps."));

        yield return context.Finding(
            floor is null ? Severity.Info : Severity.Warning,
            0.6 + Math.Min(0.3, 0.05 * (window - 2)),
            $"{metric.Key} has plateaued: the last {window} evaluations (steps {Format.Step(start.Step)}–{Format.Step(end.Step)}) improved {Format.Percent(Math.Max(0, improvement))} on the earlier best {Format.Number(bestBefore)}"
                + (improvement >= context.Option("min_improvement") && Finite.Is(shareOfGain) ? $", {Format.Percent(shareOfGain)} of what the run had gained before them" : "")
                + (floor is { } g ? $", while the learning rate has been under {Format.Percent(context.Option("lr_floor"))} of its peak since step {Format.Step(g.Since)} ({Format.Percent(g.Share)} of the run): the schedule ended long before training did" : ""),
            evidence,
            [start.Step, end.Step],
            recs,
            "Training continued without making progress on the metric that matters: the steps after the plateau cost compute and give nothing back.",
            metric.Key);
    }

    /// <summary>Index of the last evaluation that improved on the best before it by more than <paramref name="minImprovement"/>
    /// (relative): where the metric last made real progress.</summary>
    private static int LastGain(double[] values, bool greater, double minImprovement)
    {
        var best = values[0];
        var last = 0;
        for (var i = 1; i < values.Length; i++)
        {
            var gain = (greater ? values[i] - best : best - values[i]) / Math.Max(Math.Abs(best), 1e-12);
            if (gain > minImprovement)
            {
                last = i;
            }

            best = greater ? Math.Max(best, values[i]) : Math.Min(best, values[i]);
        }

        return last;
    }

    /// <summary>When the logged learning rate fell under <paramref name="floorShare"/> of its peak (the 95th percentile of
    /// its values, so that a short spike does not count as the peak) for the last time before <paramref name="windowStart"/>
    /// and stayed there for at least <paramref name="minShare"/> of the logged span: the step it fell, that share, the peak.</summary>
    private static (long Since, double Share, double Peak)? ScheduleRanOut(Runlens.Model.Series? lr, long windowStart, double floorShare, double minShare)
    {
        if (lr is not { Count: >= 4 })
        {
            return null;
        }

        var points = lr.Points.Where(p => Finite.Is(p.Value) && p.Value >= 0).ToList();
        if (points.Count < 4)
        {
            return null;
        }

        var sorted = points.Select(p => p.Value).Order().ToArray();
        var peak = sorted[(int)Math.Floor(0.95 * (sorted.Length - 1))];
        var lastAbove = points.FindLastIndex(p => p.Value >= floorShare * peak);
        if (!(peak > 0) || lastAbove < 0 || lastAbove == points.Count - 1)
        {
            return null;
        }

        var since = points[lastAbove + 1].Step;
        var span = (double)(points[^1].Step - points[0].Step);
        var share = span > 0 ? (points[^1].Step - since) / span : 0;
        return since <= windowStart && share >= minShare ? (since, share, peak) : null;
    }
}
