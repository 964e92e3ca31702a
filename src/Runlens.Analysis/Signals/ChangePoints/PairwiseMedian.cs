namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>
/// The median of the squared Euclidean distances of all pairs of samples, as <c>numpy.median(scipy.spatial.distance.pdist(
/// x, "sqeuclidean"))</c> computes it (the middle value, or the mean of the two middle values), without holding the
/// n(n−1)/2 distances.
/// <list type="bullet">
/// <item>One dimension: the samples are sorted once, and the k-th smallest difference <c>x_j − x_i</c> (j &gt; i in sorted
/// order) is selected by random pivots counted with two pointers, O(n) per pivot and O(log n) pivots. Rounding is
/// monotonic, so the k-th smallest squared difference is the square of the k-th smallest difference, and
/// <c>fl(a − b) = −fl(b − a)</c> makes every difference the one scipy computes.</item>
/// <item>Several dimensions: a radix selection over the bits of the (non-negative) distances, 16 bits a pass, each pass
/// computing the distances again and counting them; it stops as soon as the bucket holding the middle value holds one
/// distinct value. O(n²·d) time a pass, O(1) memory besides 65,536 counters.</item>
/// </list>
/// </summary>
public static class PairwiseMedian
{
    public static double OfSquaredDistances(SignalMatrix signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        var n = (long)signal.N;
        var pairs = n * (n - 1) / 2;
        if (pairs == 0)
        {
            return double.NaN; // numpy's median of an empty array; the cost then uses γ = 1/NaN, which is never consulted
        }

        var (lowRank, highRank) = ((pairs - 1) / 2, pairs / 2);
        if (signal.D == 1)
        {
            var sorted = new double[signal.N];
            for (var i = 0; i < sorted.Length; i++)
            {
                sorted[i] = signal[i, 0];
            }

            Array.Sort(sorted);
            var low = SelectDifference(sorted, lowRank);
            var high = highRank == lowRank ? low : SelectDifference(sorted, highRank);
            return lowRank == highRank ? low * low : ((low * low) + (high * high)) / 2;
        }

        var a = SelectSquaredDistance(signal, lowRank);
        var b = highRank == lowRank ? a : SelectSquaredDistance(signal, highRank);
        return lowRank == highRank ? a : (a + b) / 2;
    }

    /// <summary>The <paramref name="rank"/>-th smallest (0-based) of <c>fl(x_j − x_i)</c>, i &lt; j, over sorted values.</summary>
    internal static double SelectDifference(double[] x, long rank)
    {
        var n = x.Length;
        var lo = new int[n]; // candidates of row i: j in [lo[i], hi[i])
        var hi = new int[n];
        for (var i = 0; i < n; i++)
        {
            lo[i] = i + 1;
            hi[i] = n;
        }

        var random = new Random(12345);
        var less = new int[n];
        var atMost = new int[n];
        while (true)
        {
            long candidates = 0;
            long below = 0;
            for (var i = 0; i < n; i++)
            {
                candidates += Math.Max(0, hi[i] - lo[i]);
                below += lo[i] - i - 1;
            }

            if (candidates <= Math.Max(4L * n, 1024))
            {
                var rest = new List<double>((int)candidates);
                for (var i = 0; i < n; i++)
                {
                    for (var j = lo[i]; j < hi[i]; j++)
                    {
                        rest.Add(x[j] - x[i]);
                    }
                }

                rest.Sort();
                return rest[(int)(rank - below)];
            }

            // a pivot drawn uniformly from the candidates
            var pick = random.NextInt64(candidates);
            var row = 0;
            while (pick >= Math.Max(0, hi[row] - lo[row]))
            {
                pick -= Math.Max(0, hi[row] - lo[row]);
                row++;
            }

            var pivot = x[lo[row] + (int)pick] - x[row];

            // less[i]: first j > i with x_j − x_i ≥ pivot; atMost[i]: first j > i with x_j − x_i > pivot. Both only move
            // right as i grows, since x_j − x_i shrinks.
            long countLess = 0;
            long countAtMost = 0;
            var a = 1;
            var b = 1;
            for (var i = 0; i < n; i++)
            {
                a = Math.Max(a, i + 1);
                b = Math.Max(b, i + 1);
                while (a < n && x[a] - x[i] < pivot)
                {
                    a++;
                }

                while (b < n && x[b] - x[i] <= pivot)
                {
                    b++;
                }

                less[i] = a;
                atMost[i] = b;
                countLess += a - i - 1;
                countAtMost += b - i - 1;
            }

            if (rank < countLess)
            {
                for (var i = 0; i < n; i++)
                {
                    hi[i] = Math.Min(hi[i], less[i]);
                }
            }
            else if (rank < countAtMost)
            {
                return pivot;
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    lo[i] = Math.Max(lo[i], atMost[i]);
                }
            }
        }
    }

    /// <summary>The <paramref name="rank"/>-th smallest (0-based) squared distance over all pairs i &lt; j.</summary>
    private static double SelectSquaredDistance(SignalMatrix signal, long rank)
    {
        // Non-negative doubles order as their bit patterns do. Each pass fixes 16 more bits of the answer's pattern.
        ulong prefix = 0;
        var fixedBits = 0;
        var counts = new long[1 << 16];
        while (fixedBits < 64)
        {
            Array.Clear(counts);
            var shift = 64 - fixedBits - 16;
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            for (var i = 0; i < signal.N; i++)
            {
                for (var j = i + 1; j < signal.N; j++)
                {
                    var d2 = SquaredDistance(signal, i, j);
                    var bits = (ulong)BitConverter.DoubleToInt64Bits(d2);
                    if (fixedBits > 0 && bits >> (64 - fixedBits) != prefix)
                    {
                        continue;
                    }

                    counts[(int)((bits >> shift) & 0xFFFF)]++;
                    min = Math.Min(min, d2);
                    max = Math.Max(max, d2);
                }
            }

            var bucket = 0;
            while (rank >= counts[bucket])
            {
                rank -= counts[bucket];
                bucket++;
            }

            if (min == max)
            {
                return min; // every distance left is the same value
            }

            prefix = (prefix << 16) | (uint)bucket;
            fixedBits += 16;
            if (fixedBits == 64)
            {
                return BitConverter.Int64BitsToDouble((long)prefix);
            }

            // rank is now within the chosen bucket; the next pass counts only distances whose top bits are the prefix
        }

        throw new InvalidOperationException("unreachable");
    }

    private static double SquaredDistance(SignalMatrix signal, int i, int j)
    {
        var d2 = 0.0;
        for (var c = 0; c < signal.D; c++)
        {
            var diff = signal[i, c] - signal[j, c];
            d2 += diff * diff;
        }

        return d2;
    }
}
