using Runlens.Analysis.Metrics;

namespace Runlens.Tests.Analysis.Metrics;

public sealed class RankedScoresTests
{
    [Theory]
    [InlineData(2, 3)]
    [InlineData(5, 11)]
    public void The_scores_taken_from_the_curves_walk_are_the_metrics_own_to_the_bit(int classes, int seed)
    {
        // probabilities rounded to two decimals, so many scores tie; one class is every example's label or none's
        // only in the second case (class 4 never occurs: no curve, so the metrics rank it themselves)
        var rng = new Random(seed);
        const int n = 20_000;
        var truth = new int[n];
        var probs = new double[n * classes];
        for (var i = 0; i < n; i++)
        {
            truth[i] = rng.Next(classes == 5 ? 4 : classes);
            var row = Enumerable.Range(0, classes).Select(c => Math.Round(rng.NextDouble() + (c == truth[i] ? 0.5 : 0), 2)).ToArray();
            var sum = row.Sum();
            for (var c = 0; c < classes; c++)
            {
                probs[(i * classes) + c] = row[c] / sum;
            }
        }

        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        var input = ClassificationInput.Create(names, truth, null, probs);
        var alone = ClassificationMetrics.Compute(input);
        var ranked = new RankedScores?[classes];
        var curves = ClassCurves.Of(input, ClassCurves.MaxPoints, ranked);
        var shared = ClassificationMetrics.Compute(input, ranked);
        Assert.Equal(classes == 5 ? 4 : classes, ranked.Count(r => r is not null));
        var again = ClassCurves.Of(input);
        Assert.Equal(again.Length, curves.Length);
        Assert.All(curves.Zip(again), p => Assert.True(p.First.Tpr.SequenceEqual(p.Second.Tpr) && p.First.Precision.SequenceEqual(p.Second.Precision)));
        Assert.Equal(alone.RocAucMacro, shared.RocAucMacro);
        Assert.Equal(alone.AveragePrecisionMacro, shared.AveragePrecisionMacro);
        Assert.Equal(alone.PerClass.Select(c => c.AveragePrecision), shared.PerClass.Select(c => c.AveragePrecision));
        Assert.True(alone.AveragePrecisionMacro > 0.5);
    }
}
