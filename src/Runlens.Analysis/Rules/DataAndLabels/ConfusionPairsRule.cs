using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0305: class pairs confused more than a threshold share of the time (seed 001: more than 10%).</summary>
public sealed class ConfusionPairsRule : IRule
{
    public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0305", "confusion-pairs", "Class pairs confused more than 10% of the time", RuleCategory.DataAndLabels, Severity.Warning,
        [Signal.Predictions],
        [typeof(ConfusionPairsEvidence)],
        new RuleOption("min_rate", 0.10, "Share of a true class's examples predicted as another class that makes a confusion pair"),
        new RuleOption("min_count", 5, "Examples a pair needs (so that one or two mistakes in a small class do not count)"));

    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        var m = context.Run.Predictions!.Evaluation.Metrics;
        if (PredictionsAtChance.Of(m).AtChance)
        {
            yield break; // predictions at chance confuse every class with every other: prediction-collapse reports that
        }

        var k = m.Classes.Count;
        var pairs = new List<(int True, int Predicted, long Count, double Rate)>();
        for (var i = 0; i < k; i++)
        {
            var support = m.Confusion.Counts[i].Sum();
            for (var j = 0; j < k; j++)
            {
                var count = m.Confusion.Counts[i][j];
                if (i != j && support > 0 && count >= context.Option("min_count") && count / (double)support >= context.Option("min_rate"))
                {
                    pairs.Add((i, j, count, count / (double)support));
                }
            }
        }

        if (pairs.Count == 0)
        {
            yield break;
        }

        pairs.Sort((a, b) => b.Rate != a.Rate ? b.Rate.CompareTo(a.Rate) : b.Count.CompareTo(a.Count));
        var top = pairs[0];
        var mutual = pairs.Any(p => p.True == top.Predicted && p.Predicted == top.True);
        yield return context.Finding(
            Severity.Warning,
            Math.Min(0.95, 0.6 + (top.Count / 200.0)),
            $"{pairs.Count} confusion pair{(pairs.Count == 1 ? "" : "s")} above {Format.Percent(context.Option("min_rate"))}; the worst: '{m.Classes[top.True]}' predicted as '{m.Classes[top.Predicted]}' for {Format.Percent(top.Rate)} of its examples ({top.Count})"
                + (mutual ? ", and the other way round too" : ""),
            new ConfusionPairsEvidence(
                Pairs: pairs.Count,
                Threshold: context.Option("min_rate"),
                ThresholdCount: context.Option("min_count"),
                WorstTrue: m.Classes[top.True],
                WorstPredicted: m.Classes[top.Predicted],
                WorstRate: top.Rate,
                WorstCount: top.Count,
                Mutual: mutual,
                Confused: [.. pairs.Take(10).Select(p => new ConfusionPair(m.Classes[p.True], m.Classes[p.Predicted], p.Count, p.Rate))]),
            [],
            [
                Recommendation.Do("Look at examples of each pair side by side: if they are hard to tell apart even for people, clarify the labelling guide or merge the classes; if not, add examples that separate them."),
                Recommendation.Do("Check the label mapping of the two classes (swapped ids produce symmetric confusion)."),
            ],
            mutual ? "Two classes are confused both ways: the model (or the labels) cannot tell them apart." : "The model systematically mistakes one class for another.");
    }
}
