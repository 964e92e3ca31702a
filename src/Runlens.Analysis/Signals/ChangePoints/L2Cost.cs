namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>
/// Least-squares cost (ruptures' <c>CostL2</c>): the segment length times the population variance of its samples,
/// summed over dimensions, i.e. <c>Σ_j Σ_i (x_ij − mean_j)²</c>. O(1) per segment from prefix sums of values shifted by
/// the first sample (which keeps constant signals exactly at zero cost and limits cancellation).
/// </summary>
public sealed class L2Cost : ISegmentCost
{
    private double[] _sum = [];
    private double[] _sumSquares = [];
    private int _d = 1;

    /// <summary>Prefix sums of the (shifted) values, for the one-dimensional fast path of <see cref="Pelt"/>.</summary>
    internal ReadOnlySpan<double> PrefixSum => _sum;

    /// <summary>Prefix sums of the squared (shifted) values.</summary>
    internal ReadOnlySpan<double> PrefixSumSquares => _sumSquares;

    internal int Dimensions => _d;

    public string Name => "l2";

    public void Fit(SignalMatrix signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        _d = signal.D;
        _sum = new double[(signal.N + 1) * _d];
        _sumSquares = new double[(signal.N + 1) * _d];
        for (var i = 0; i < signal.N; i++)
        {
            for (var j = 0; j < _d; j++)
            {
                var x = signal[i, j] - signal[0, j];
                _sum[((i + 1) * _d) + j] = _sum[(i * _d) + j] + x;
                _sumSquares[((i + 1) * _d) + j] = _sumSquares[(i * _d) + j] + (x * x);
            }
        }
    }

    public double Cost(int start, int end)
    {
        var length = end - start;
        var total = 0.0;
        for (var j = 0; j < _d; j++)
        {
            var s = _sum[(end * _d) + j] - _sum[(start * _d) + j];
            var s2 = _sumSquares[(end * _d) + j] - _sumSquares[(start * _d) + j];
            total += Math.Max(0, s2 - (s * s / length));
        }

        return total;
    }
}
