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
            if (!double.IsFinite(v))
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
            if (double.IsFinite(values[i]))
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
            if (!double.IsFinite(v))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Median of the finite values in <paramref name="values"/>; NaN when none.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        var finite = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                finite.Add(v);
            }
        }

        if (finite.Count == 0)
        {
            return double.NaN;
        }

        finite.Sort();
        var mid = finite.Count / 2;
        return finite.Count % 2 == 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
    }

    /// <summary>Spearman rank correlation of the finite values with their position: +1 rising, −1 falling.</summary>
    public static double TrendRank(ReadOnlySpan<double> values)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                xs.Add(i);
                ys.Add(values[i]);
            }
        }

        if (xs.Count < 3)
        {
            return double.NaN;
        }

        var rx = Ranks(xs);
        var ry = Ranks(ys);
        return Pearson(rx, ry);
    }

    /// <summary>Relative change from <paramref name="from"/> to <paramref name="to"/> (|from| in the denominator).</summary>
    public static double RelativeChange(double from, double to) =>
        from == 0 ? (to == 0 ? 0 : double.PositiveInfinity * Math.Sign(to)) : (to - from) / Math.Abs(from);

    private static double[] Ranks(List<double> v)
    {
        var idx = Enumerable.Range(0, v.Count).ToArray();
        Array.Sort(idx, (a, b) => v[a].CompareTo(v[b]));
        var ranks = new double[v.Count];
        var i = 0;
        while (i < idx.Length)
        {
            var j = i;
            while (j + 1 < idx.Length && v[idx[j + 1]] == v[idx[i]])
            {
                j++;
            }

            var r = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                ranks[idx[k]] = r;
            }

            i = j + 1;
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
