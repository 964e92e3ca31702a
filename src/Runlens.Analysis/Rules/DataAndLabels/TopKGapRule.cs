using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0311: the top-2 accuracy a trainer logs (<c>val/top2_accuracy</c>) judged against the top-1 accuracy at the same
/// evaluation: 15–25 points higher is usual; more than 30 points higher means the right class is often the runner-up —
/// the model confuses specific pairs of classes.
/// </summary>
public sealed class TopKGapRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0311", "top-k-gap", "Top-2 accuracy far above top-1: the model confuses pairs of classes", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(TopKGapEvidence)],
        new RuleOption("max_gap", 0.3, "Top-2 minus top-1 accuracy (accuracy points) above which the model confuses specific pairs (usual: 0.15–0.25 higher; > 0.30 is confusion)"));

    public bool Applies(RunView run)
    {
        var vocab = new TrainerVocabulary(run.Run);
        return vocab.TopKAccuracy(2) is { Count: > 0 } && vocab.Accuracy("val") is { Count: > 0 };
    }

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var vocab = new TrainerVocabulary(context.Run.Run);
        if (vocab.TopKAccuracy(2) is not { } top2 || vocab.Accuracy("val") is not { } top1)
        {
            yield break;
        }

        // The last evaluation at which both were logged.
        var byStep = top1.Points.Where(p => double.IsFinite(p.Value)).GroupBy(p => p.Step).ToDictionary(g => g.Key, g => g.Last().Value);
        var last = top2.Points.LastOrDefault(p => double.IsFinite(p.Value) && byStep.ContainsKey(p.Step));
        if (!byStep.TryGetValue(last.Step, out var accuracy) || !double.IsFinite(last.Value))
        {
            yield break;
        }

        var gap = last.Value - accuracy;
        var max = context.Option("max_gap");
        if (!(gap > max))
        {
            yield break;
        }

        yield return context.Finding(
            Severity.Warning,
            0.7,
            $"{top2.Key} is {Format.Percent(last.Value)} but {top1.Key} only {Format.Percent(accuracy)} at step {Format.Step(last.Step)}: {Format.Number(Math.Round(gap * 100, 1))} points apart (above {Format.Number(max * 100)}; 15–25 is usual), so the right class is often the model's second choice",
            new TopKGapEvidence(
                Series: top2.Key,
                AccuracySeries: top1.Key,
                K: 2,
                Step: last.Step,
                TopKAccuracy: last.Value,
                Accuracy: accuracy,
                Gap: gap,
                Threshold: max,
                ExpectedLow: 0.15,
                ExpectedHigh: 0.25),
            [last.Step],
            [
                Recommendation.Do("Find the pairs: pass the validation predictions (--predictions FILE) so confusion-pairs names the classes confused more than 10% of the time."),
                Recommendation.Do("Add examples near the boundary between the confused classes, check the label mapping between them, or merge classes that cannot be told apart."),
            ],
            "A model whose second guess is so often right has learned the neighbourhood of each class but not what separates close classes: the errors are concentrated in a few pairs, where targeted data or a review of the labels pays off.",
            top2.Key, top1.Key);
    }
}
