using System.Text.Json.Serialization;
using Runlens.Analysis.Evaluation;

namespace Runlens.Reports.Contracts;

/// <summary><c>"batches"</c> of an evaluation whose predictions have a <c>batch</c> column: accuracy per batch and the
/// batches that score far below the rest (at least <c>min_gap</c> below the overall accuracy and <c>min_standard_errors</c>
/// binomial standard errors below it), worst first, with their examples.</summary>
public sealed record BatchesJson(
    string Column,
    double OverallAccuracy,
    double MinGap,
    double MinStandardErrors,
    IReadOnlyList<BatchJson> Batches,
    IReadOnlyList<BatchJson> Worst)
{
    public static BatchesJson From(BatchReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Column, r.Overall, BatchReport.MinGap, BatchReport.MinStandardErrors,
            [.. r.Batches.Select(b => new BatchJson(b.Batch, b.Examples, b.Accuracy, null))],
            [.. r.Worst.Select(b => new BatchJson(b.Batch, b.Examples, b.Accuracy, b.ExampleIds))]);
    }
}
