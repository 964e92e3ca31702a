namespace Runlens.Analysis.Signals;

/// <summary>Series math shared by rules. NaN and ±Infinity are skipped unless a method says otherwise.</summary>
public static class SeriesMath
{
    /// <summary>Index of the best finite value (the first one on ties), or -1 when none is finite.</summary>
    public static int ArgBest(ReadOnlySpan<double> values, bool greaterIsBetter)
    {
        var best = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!Finite.Is(v))
            {
                continue;
            }

            if (best < 0 || (greaterIsBetter ? v > values[best] : v < values[best]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Index of the last finite value, or -1.</summary>
    public static int LastFinite(ReadOnlySpan<double> values)
    {
        for (var i = values.Length - 1; i >= 0; i--)
        {
            if (Finite.Is(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static int CountNonFinite(ReadOnlySpan<double> values)
    {
        var n = 0;
        foreach (var v in values)
        {
            if (!Finite.Is(v))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Median of the finite values in <paramref name="values"/>; NaN when none. Exact, in linear time
    /// (quickselect on a copy), so it stays cheap on series of millions of points.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        var finite = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(1, values.Length));
        try
        {
            return MedianInto(values, finite);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(finite);
        }
    }

    private static double MedianInto(ReadOnlySpan<double> values, double[] finite)
    {
        var n = 0;
        foreach (var v in values)
        {
            if (Finite.Is(v))
            {
                finite[n++] = v;
            }
        }

        if (n == 0)
        {
            return double.NaN;
        }

        var a = finite.AsSpan(0, n);
        if (n >= SampledFrom && SampledMedian(a) is { } sampled && sampled != 0)
        {
            // the same middle values (finite values that compare equal are the same bits, zeros of both signs aside, and
            // a zero median is left to the quickselect below, which gives the zero it always gave)
            return sampled;
        }

        return Middle(a, n / 2, odd: n % 2 == 1);
    }

    /// <summary>The median of values whose upper middle is the <paramref name="upperRank"/>-th smallest of
    /// <paramref name="a"/> (reordered in place): that value for an odd count, else its mean with the lower middle, the
    /// next smaller value (after the selection every value left of the upper middle is ≤ it: the lower middle is their
    /// maximum).</summary>
    private static double Middle(Span<double> a, int upperRank, bool odd)
    {
        var upper = Select(a, upperRank);
        if (odd)
        {
            return upper;
        }

        var lower = double.NegativeInfinity;
        foreach (var v in a[..upperRank])
        {
            lower = Math.Max(lower, v);
        }

        return (lower + upper) / 2;
    }

    /// <summary>Arrays from this length have their median found by <see cref="SampledMedian"/> first.</summary>
    private const int SampledFrom = 1 << 16;

    /// <summary>
    /// The median of the finite values <paramref name="a"/> (left in place) found from a sample: two values of an evenly
    /// strided sample of 8,192 that bracket the middle rank, one pass that counts the values below the lower one and
    /// gathers those between the two, then a quickselect of that small band. Null when the band misses the middle rank
    /// or grows large (heavy ties): the caller selects over the whole array then. On a million points this reads the
    /// values once instead of partitioning them several times.
    /// </summary>
    private static double? SampledMedian(ReadOnlySpan<double> a)
    {
        const int SampleSize = 8192;
        const int Margin = 256; // sample ranks each side of the middle, about 5.7 standard deviations of the middle's rank in
                                // the sample: the band (about 6% of the values) misses the middle rank about once in 1e8
        var n = a.Length;
        var sample = System.Buffers.ArrayPool<double>.Shared.Rent(SampleSize);
        var band = System.Buffers.ArrayPool<double>.Shared.Rent(n / 8);
        try
        {
            var stride = n / SampleSize;
            for (var i = 0; i < SampleSize; i++)
            {
                sample[i] = a[(i * stride) + (stride / 2)];
            }

            var s = sample.AsSpan(0, SampleSize);
            var high = Select(s, (SampleSize / 2) + Margin);
            var low = Select(s[..((SampleSize / 2) + Margin)], (SampleSize / 2) - Margin);
            var below = 0;
            var count = 0;
            foreach (var v in a)
            {
                if (v < low)
                {
                    below++;
                }
                else if (v <= high)
                {
                    if (count == band.Length)
                    {
                        return null;
                    }

                    band[count++] = v;
                }
            }

            // ranks of the upper middle and (for an even count) the lower middle, within the band
            var upperRank = (n / 2) - below;
            var lowerRank = n % 2 == 1 ? upperRank : upperRank - 1;
            if (lowerRank < 0 || upperRank >= count)
            {
                return null;
            }

            return Middle(band.AsSpan(0, count), upperRank, odd: n % 2 == 1);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(sample);
            System.Buffers.ArrayPool<double>.Shared.Return(band);
        }
    }

    /// <summary>The k-th smallest value (0-based); reorders <paramref name="a"/> so that a[k] holds it, smaller values
    /// before it and larger after (Hoare's quickselect, median-of-three pivots).</summary>
    private static double Select(Span<double> a, int k)
    {
        var lo = 0;
        var hi = a.Length - 1;
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) / 2);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            var pivot = a[mid];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return a[k];
    }

    /// <summary>
    /// Spearman rank correlation of the finite values with their position: +1 rising, −1 falling. Series longer than
    /// <paramref name="maxPoints"/> are sampled at an even stride (deterministic), which keeps the estimate and bounds the cost.
    /// </summary>
    public static double TrendRank(ReadOnlySpan<double> values, int maxPoints = 4096)
    {
        var finite = 0;
        foreach (var v in values)
        {
            if (Finite.Is(v))
            {
                finite++;
            }
        }

        if (finite < 3)
        {
            return double.NaN;
        }

        var stride = Math.Max(1, (finite + maxPoints - 1) / maxPoints);
        var ys = new List<double>(Math.Min(finite, maxPoints) + 1);
        var k = 0;
        foreach (var v in values)
        {
            if (Finite.Is(v) && k++ % stride == 0)
            {
                ys.Add(v);
            }
        }

        var x = new double[ys.Count];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = i + 1; // positions are already ranks
        }

        return Pearson(x, Ranks([.. ys]));
    }

    /// <summary>Median of |v[i] − v[i−1]| over consecutive pairs of finite values: how much a series typically moves from
    /// one log (or evaluation) to the next, unmoved by a trend. NaN when no pair is finite.</summary>
    public static double MedianAbsoluteChange(ReadOnlySpan<double> values)
    {
        var changes = new double[Math.Max(0, values.Length - 1)];
        var n = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (Finite.Is(values[i]) && Finite.Is(values[i - 1]))
            {
                changes[n++] = Math.Abs(values[i] - values[i - 1]);
            }
        }

        return Median(changes.AsSpan(0, n));
    }

    /// <summary>Medians of the first and the last <paramref name="fraction"/> of the values (at least one value each):
    /// where a series started and where it ended, robust to noise.</summary>
    public static (double Head, double Tail) HeadTail(ReadOnlySpan<double> values, double fraction = 0.1)
    {
        if (values.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var n = Math.Max(1, (int)(values.Length * fraction));
        return (Median(values[..n]), Median(values[^n..]));
    }

    /// <summary>What a series gained from its first finite value to its best at <paramref name="best"/> (positive when it
    /// improved, in the direction <paramref name="greater"/> says is better); NaN when no finite value comes before the
    /// best. A change near the best is judged against it: relative to a best near zero, a tiny drift reads as a large
    /// percentage though it gives back almost nothing the run had won.</summary>
    public static double GainBefore(ReadOnlySpan<double> v, int best, bool greater)
    {
        var first = 0;
        while (first < v.Length && !Finite.Is(v[first]))
        {
            first++;
        }

        return first < best ? (greater ? v[best] - v[first] : v[first] - v[best]) : double.NaN;
    }

    /// <summary>Relative change from <paramref name="from"/> to <paramref name="to"/> (|from| in the denominator).</summary>
    public static double RelativeChange(double from, double to) =>
        from == 0 ? (to == 0 ? 0 : double.PositiveInfinity * Math.Sign(to)) : (to - from) / Math.Abs(from);

    /// <summary>Average ranks (1-based, ties share their mean rank), as scipy.stats.rankdata.</summary>
    internal static double[] Ranks(double[] v)
    {
        var keys = (double[])v.Clone();
        var idx = new int[v.Length];
        for (var i = 0; i < idx.Length; i++)
        {
            idx[i] = i;
        }

        Array.Sort(keys, idx);
        var ranks = new double[v.Length];
        var a = 0;
        while (a < idx.Length)
        {
            var b = a;
            while (b + 1 < idx.Length && keys[b + 1] == keys[a])
            {
                b++;
            }

            var r = (a + b) / 2.0 + 1;
            for (var j = a; j <= b; j++)
            {
                ranks[idx[j]] = r;
            }

            a = b + 1;
        }

        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}
