using System.Collections.Immutable;
using Runlens.Model.Predictions;

namespace Runlens.Analysis.Evaluation;

/// <summary>
/// Per-batch accuracy when the predictions file has a <c>batch</c> column (validation batches logged as they ran), and the
/// batches that score far below the rest: at least 0.1 below the overall accuracy and 3 standard errors below it
/// (the binomial standard error of a batch of that size), worst first, each with its examples.
/// </summary>
/// <param name="Column">The batch column's name.</param>
/// <param name="Overall">Accuracy over every example.</param>
/// <param name="Batches">Every batch, in batch order (numeric when the ids are numbers).</param>
/// <param name="Worst">The batches that score far below the rest, worst first.</param>
public sealed record BatchReport(string Column, double Overall, ImmutableArray<BatchMetrics> Batches, ImmutableArray<BatchMetrics> Worst)
{
    public const double MinGap = 0.1;
    public const double MinStandardErrors = 3;

    /// <summary>The report, or null when the set has no <c>batch</c> column.</summary>
    public static BatchReport? Of(PredictionSet set, string column = "batch")
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Slice(column) is not { } batches || set.Count == 0)
        {
            return null;
        }

        var overall = Enumerable.Range(0, set.Count).Count(i => set.TrueIndices[i] == set.PredictedIndices[i]) / (double)set.Count;
        var metrics = Enumerable.Range(0, set.Count)
            .Where(i => batches.Values[i].Length > 0)
            .GroupBy(i => batches.Values[i], StringComparer.Ordinal)
            .Select(g =>
            {
                var correct = g.Count(i => set.TrueIndices[i] == set.PredictedIndices[i]);
                return new BatchMetrics(g.Key, g.Count(), (double)correct / g.Count(), [.. g.Select(i => set.ExampleIds[i])]);
            })
            .OrderBy(b => double.TryParse(b.Batch, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.MaxValue)
            .ThenBy(b => b.Batch, StringComparer.Ordinal)
            .ToImmutableArray();
        var worst = metrics.Where(b =>
            {
                var se = Math.Sqrt(Math.Max(overall * (1 - overall), 1e-12) / b.Examples);
                return overall - b.Accuracy >= MinGap && (overall - b.Accuracy) / se >= MinStandardErrors;
            })
            .OrderBy(b => b.Accuracy).ThenBy(b => b.Batch, StringComparer.Ordinal)
            .ToImmutableArray();
        return new BatchReport(column, overall, metrics, worst);
    }
}
