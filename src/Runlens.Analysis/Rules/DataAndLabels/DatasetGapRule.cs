using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>
/// RL0312: the per-source accuracies a trainer logs (<c>val/per_dataset_accuracy/TIMIT</c>, …) at the last evaluation:
/// one source more than 20 points below the mean of the others points at its quality or labelling. The logged counterpart
/// of slice-gap, which computes it from predictions with a source column.
/// </summary>
public sealed class DatasetGapRule : IOptionalSignals
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0312", "dataset-gap", "One data source scores far below the others", RuleCategory.DataAndLabels, Severity.Warning,
        [],
        [typeof(DatasetGapEvidence)],
        new RuleOption("max_gap", 0.2, "Accuracy points a source may fall below the mean of the others (usual guidance: one dataset > 20% below the others points at quality or labelling issues)"));

    public bool Applies(RunView run) => new TrainerVocabulary(run.Run).PerSourceAccuracy().Count >= 2;

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var sources = new TrainerVocabulary(context.Run.Run).PerSourceAccuracy()
            .Select(s => (s.Source, s.Series, Last: s.Series.Points.LastOrDefault(p => double.IsFinite(p.Value))))
            .Where(s => s.Series.Points.Any(p => double.IsFinite(p.Value)))
            .ToList();
        if (sources.Count < 2)
        {
            yield break;
        }

        var worst = sources.OrderBy(s => s.Last.Value).ThenBy(s => s.Source, StringComparer.Ordinal).First();
        var best = sources.OrderByDescending(s => s.Last.Value).ThenBy(s => s.Source, StringComparer.Ordinal).First();
        var others = sources.Where(s => s.Source != worst.Source).Average(s => s.Last.Value);
        var gap = others - worst.Last.Value;
        var max = context.Option("max_gap");
        if (!(gap > max))
        {
            yield break;
        }

        yield return context.Finding(
            Severity.Warning,
            0.75,
            $"{worst.Source} scores {Format.Percent(worst.Last.Value)} accuracy against {Format.Percent(others)} for the other {sources.Count - 1} source{(sources.Count == 2 ? "" : "s")}: {Format.Number(Math.Round(gap * 100, 1))} points below (beyond {Format.Number(max * 100)} points, the source's quality or labelling is the usual cause)",
            new DatasetGapEvidence(
                Series: worst.Series.Key,
                Source: worst.Source,
                Step: worst.Last.Step,
                Accuracy: worst.Last.Value,
                OthersMean: others,
                Gap: gap,
                Threshold: max,
                Sources: sources.Count,
                BestSource: best.Source,
                BestAccuracy: best.Last.Value),
            [worst.Last.Step],
            [
                Recommendation.Do($"Review a sample of {worst.Source}'s examples and labels: recording or capture quality, label mapping, language or domain unlike the other sources."),
                Recommendation.Do($"Filter out its low-quality examples, or leave {worst.Source} out until its labels are checked, and compare."),
            ],
            "A source far below the others is usually a data problem (poorer recordings, a different labelling convention, a domain the others do not cover), not a model one: more training will not close the gap.",
            worst.Series.Key);
    }
}
