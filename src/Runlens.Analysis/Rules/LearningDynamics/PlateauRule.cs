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
        new RuleOption("min_share_of_gain", 0.02, "Improvement over the window, as a share of everything gained before it, below which a metric still creeping is flat"),
        new RuleOption("band", 0.02, "Largest spread of the window's values, relative to the earlier best, for the metric to count as flat rather than getting worse"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var run = context.Run;
        var metric = run.Primary!;
        var greater = run.PrimaryGreaterIsBetter;
        var points = metric.Points.Where(p => double.IsFinite(p.Value)).ToList();
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
        var creeping = improvement >= context.Option("min_improvement") && shareOfGain >= context.Option("min_share_of_gain");
        if (creeping || spread > context.Option("band"))
        {
            yield break; // still improving, or moving too much to be a plateau (worsening is overfitting's case)
        }

        var rates = Trend.ImprovementRates(points.Select(p => p.Value).ToArray(), greater)[^window..];
        var meanRate = rates.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        var start = points[points.Count - window];
        var end = points[^1];
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
            GainRatio: double.IsFinite(shareOfGain) ? shareOfGain : null,
            ThresholdGainRatio: context.Option("min_share_of_gain"));

        var vocab = new TrainerVocabulary(run.Run);
        var lrSeries = run.LearningRate;
        var lrConstant = lrSeries is { Count: > 1 } && lrSeries.Points.Select(p => p.Value).Where(double.IsFinite).Distinct().Count() == 1;
        var recs = new List<Recommendation>
        {
            Recommendation.Do($"Stop around step {Format.Step(start.Step)}: the last {window} evaluations added less than {Format.Percent(context.Option("min_improvement"))}.",
                vocab.Change(vocab.EarlyStoppingPatience, Math.Max(2, window - 2))),
        };
        if (lrConstant || lrSeries is null)
        {
            recs.Add(Recommendation.Do(
                lrConstant ? "The learning rate is constant: lower it when the metric stalls (a decaying schedule or reduce-on-plateau) to get the last gains." : "Lower the learning rate when the metric stalls (a decaying schedule or reduce-on-plateau).",
                vocab.IsHf ? [vocab.Change("lr_scheduler_type", "cosine")] : [vocab.Change("ReduceLROnPlateau.patience", 2)]));
        }

        recs.Add(Recommendation.Do("If the plateau is too low for your needs, the model or the data is the limit: more capacity, better features or more data, not more steps."));

        yield return context.Finding(
            Severity.Info,
            0.6 + Math.Min(0.3, 0.05 * (window - 2)),
            $"{metric.Key} has plateaued: the last {window} evaluations (steps {Format.Step(start.Step)}–{Format.Step(end.Step)}) improved {Format.Percent(Math.Max(0, improvement))} on the earlier best {Format.Number(bestBefore)}"
                + (improvement >= context.Option("min_improvement") && double.IsFinite(shareOfGain) ? $", {Format.Percent(shareOfGain)} of what the run had gained before them" : ""),
            evidence,
            [start.Step, end.Step],
            recs,
            "Training continued without making progress on the metric that matters: the steps after the plateau cost compute and give nothing back.",
            metric.Key);
    }
}
