using Runlens.Analysis.Metrics;

namespace Runlens.Reports.Contracts;

/// <summary>The confusion matrix: labels, counts (rows true, columns predicted) and the normalised forms.</summary>
public sealed record ConfusionMatrixJson(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Matrix, NormalizedMatrixJson Normalized)
{
    public static ConfusionMatrixJson From(ConfusionMatrix c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Labels, c.Counts, new NormalizedMatrixJson(c.ByTrue, c.ByPredicted, c.ByAll));
    }
}
