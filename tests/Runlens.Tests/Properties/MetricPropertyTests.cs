using CsCheck;
using Runlens.Analysis.Metrics;

namespace Runlens.Tests.Properties;

/// <summary>Invariants of the classification metrics over generated labels, predictions and probabilities: scores in
/// [0, 1], accuracy equal to the share of correct predictions and to micro-F1, the confusion matrix counting every
/// example once with accuracy on its diagonal, supports summing to the examples, non-negative log loss and Brier score.</summary>
public sealed class MetricPropertyTests
{
    [Fact]
    public void Classification_metrics_keep_their_invariants_on_any_predictions()
    {
        Gen.Select(Gen.Int[2, 6], Gen.Int[1, 400], Gen.Int).Sample((k, n, seed) =>
        {
            var random = new Random(seed);
            var truth = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
            var probabilities = new double[n * k];
            var predicted = new int[n];
            for (var i = 0; i < n; i++)
            {
                var row = Enumerable.Range(0, k).Select(_ => random.NextDouble() + 1e-3).ToArray();
                var sum = row.Sum();
                for (var c = 0; c < k; c++)
                {
                    probabilities[(i * k) + c] = row[c] / sum;
                }

                predicted[i] = Array.IndexOf(row, row.Max());
            }

            var classes = Enumerable.Range(0, k).Select(c => $"c{c}").ToArray();
            var m = ClassificationMetrics.Compute(ClassificationInput.Create(classes, truth, predicted, probabilities));
            var correct = truth.Zip(predicted).Count(x => x.First == x.Second) / (double)n;
            Assert.Equal(correct, m.Accuracy, 12);
            Assert.Equal(m.Accuracy, m.F1.Micro, 12);
            Assert.Equal(n, m.Confusion.Counts.Sum(r => r.Sum()));
            Assert.Equal(correct, Enumerable.Range(0, k).Sum(c => m.Confusion.Counts[c][c]) / (double)n, 12);
            Assert.Equal(n, m.PerClass.Sum(c => c.Support));
            foreach (var score in new[] { m.Accuracy, m.BalancedAccuracy, m.F1.Macro, m.F1.Weighted, m.Precision.Macro, m.Recall.Macro }
                .Concat(m.PerClass.SelectMany(c => new[] { c.Precision, c.Recall, c.F1, c.Specificity })))
            {
                Assert.InRange(score, 0, 1);
            }

            Assert.True(m.LogLoss >= 0, $"log loss {m.LogLoss}");
            Assert.True(m.Brier >= 0, $"Brier {m.Brier}");
            Assert.InRange(m.ExpectedCalibrationError!.Value, 0, 1);
        }, iter: 300);
    }
}
