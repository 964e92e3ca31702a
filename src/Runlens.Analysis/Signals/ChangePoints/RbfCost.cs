namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>
/// Kernel cost with a Gaussian (RBF) kernel (ruptures' <c>CostRbf</c>): <c>Σ_i K_ii − (Σ_ij K_ij) / (end − start)</c> over
/// the segment, with <c>K_ij = exp(−clip(γ·‖x_i − x_j‖², 0.01, 100))</c> off the diagonal and <c>K_ii = 1</c>. γ defaults to
/// the median heuristic: 1 / median of all pairwise squared distances (1 when that median is 0). Memory is quadratic
/// (a 2-D prefix sum of the Gram matrix), so signals are limited to <see cref="MaxSamples"/> samples.
/// </summary>
public sealed class RbfCost(double? gamma = null) : ISegmentCost
{
    /// <summary>Largest signal this cost accepts (its table takes (n+1)² doubles: 128 MiB at this size).</summary>
    public const int MaxSamples = 4096;

    private double[] _prefix = [];
    private int _stride;

    public string Name => "rbf";

    /// <summary>The γ used by the last <see cref="Fit"/> (the given one, or the median heuristic's).</summary>
    public double Gamma { get; private set; } = gamma ?? double.NaN;

    public void Fit(SignalMatrix signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        var n = signal.N;
        if (n > MaxSamples)
        {
            throw new ArgumentException(
                $"the rbf cost holds an n × n kernel table and accepts at most {MaxSamples} samples; this signal has {n} "
                + "(use the l2 cost, or downsample the series)");
        }

        var distances = SquaredDistances(signal);
        Gamma = gamma ?? MedianHeuristic(distances, n);

        // P[a, b] = Σ_{i<a, j<b} K[i, j]; the Gram matrix is symmetric with a unit diagonal.
        _stride = n + 1;
        _prefix = new double[_stride * _stride];
        var row = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                row[j] = i == j ? 1.0 : Math.Exp(-Math.Clamp(Gamma * distances[PairIndex(i, j, n)], 1e-2, 1e2));
            }

            var running = 0.0;
            for (var j = 0; j < n; j++)
            {
                running += row[j];
                _prefix[((i + 1) * _stride) + j + 1] = _prefix[(i * _stride) + j + 1] + running;
            }
        }
    }

    public double Cost(int start, int end)
    {
        var block = _prefix[(end * _stride) + end] - _prefix[(start * _stride) + end]
            - _prefix[(end * _stride) + start] + _prefix[(start * _stride) + start];
        return (end - start) - (block / (end - start));
    }

    /// <summary>Squared Euclidean distances of all pairs i &lt; j, in scipy's <c>pdist</c> order.</summary>
    private static double[] SquaredDistances(SignalMatrix signal)
    {
        var n = signal.N;
        var distances = new double[(long)n * (n - 1) / 2];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var d2 = 0.0;
                for (var c = 0; c < signal.D; c++)
                {
                    var diff = signal[i, c] - signal[j, c];
                    d2 += diff * diff;
                }

                distances[k++] = d2;
            }
        }

        return distances;
    }

    private static int PairIndex(int i, int j, int n)
    {
        if (i > j)
        {
            (i, j) = (j, i);
        }

        // Row-major index of (i, j), i < j, in the condensed upper triangle.
        return (int)((((long)i * ((2L * n) - i - 1)) / 2) + (j - i - 1));
    }

    private static double MedianHeuristic(double[] distances, int n)
    {
        if (n < 2)
        {
            return 1.0;
        }

        var sorted = (double[])distances.Clone();
        Array.Sort(sorted);
        var m = sorted.Length;
        var median = m % 2 == 1 ? sorted[m / 2] : (sorted[(m / 2) - 1] + sorted[m / 2]) / 2;
        return median == 0 ? 1.0 : 1.0 / median;
    }
}
