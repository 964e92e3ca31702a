namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>
/// Kernel cost with a Gaussian (RBF) kernel (ruptures' <c>CostRbf</c>): <c>Σ_i K_ii − (Σ_ij K_ij) / (end − start)</c> over
/// the segment, with <c>K_ij = exp(−clip(γ·‖x_i − x_j‖², 0.01, 100))</c> off the diagonal and <c>K_ii = 1</c>. γ defaults to
/// the median heuristic: 1 / median of all pairwise squared distances (1 when that median is 0), found exactly without
/// holding the pairs (see <see cref="PairwiseMedian"/>). No kernel table is kept: memory is linear in the signal's length.
/// <see cref="Cost"/> sums a segment's block directly (quadratic in the segment's length); <see cref="Pelt"/> instead grows
/// each candidate segment's block sum as the end moves, which needs only the new columns.
/// </summary>
public sealed class RbfCost(double? gamma = null) : ISegmentCost
{
    private SignalMatrix? _signal;

    public string Name => "rbf";

    /// <summary>The γ used by the last <see cref="Fit"/> (the given one, or the median heuristic's).</summary>
    public double Gamma { get; private set; } = gamma ?? double.NaN;

    public void Fit(SignalMatrix signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        _signal = signal;
        if (gamma is { } given)
        {
            Gamma = given;
            return;
        }

        var median = PairwiseMedian.OfSquaredDistances(signal);
        Gamma = median == 0 ? 1.0 : 1.0 / median;
    }

    public double Cost(int start, int end) => (end - start) - (BlockSum(start, end) / (end - start));

    /// <summary>Σ_{i,j ∈ [start, end)} K_ij, summed directly (the diagonal counts 1 each).</summary>
    internal double BlockSum(int start, int end)
    {
        var offDiagonal = 0.0;
        for (var j = start + 1; j < end; j++)
        {
            offDiagonal += ColumnSum(start, j, j);
        }

        return (2 * offDiagonal) + (end - start);
    }

    /// <summary>K[i, j] for i ≠ j: <c>exp(−clip(γ·d², 0.01, 100))</c>, as ruptures computes it from scipy's squared distance.</summary>
    internal double Kernel(int i, int j) => Math.Exp(-Math.Clamp(Gamma * SquaredDistance(i, j), 1e-2, 1e2));

    /// <summary>Σ_{i ∈ [from, to)} K[i, j] for a column j ≥ to (so no diagonal term).</summary>
    internal double ColumnSum(int from, int to, int j)
    {
        var sum = 0.0;
        for (var i = from; i < to; i++)
        {
            sum += Kernel(i, j);
        }

        return sum;
    }

    private double SquaredDistance(int i, int j)
    {
        var signal = _signal ?? throw new InvalidOperationException("call Fit before Cost");
        var d2 = 0.0;
        for (var c = 0; c < signal.D; c++)
        {
            var diff = signal[i, c] - signal[j, c];
            d2 += diff * diff;
        }

        return d2;
    }
}
