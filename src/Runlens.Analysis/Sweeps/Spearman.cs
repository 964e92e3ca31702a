using MathNet.Numerics.Distributions;

namespace Runlens.Analysis.Sweeps;

/// <summary>Spearman's rank correlation with average ranks for ties, equal to <c>scipy.stats.spearmanr</c> and pandas'
/// <c>corr(method="spearman")</c>.</summary>
internal static class Spearman
{
    /// <summary>Rho and its two-sided p-value; null with fewer than 3 pairs or when either side is constant (rho is then
    /// undefined; scipy answers NaN).</summary>
    public static RankCorrelation? Of(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("x and y must have the same length", nameof(y));
        }

        var n = x.Count;
        if (n < 3)
        {
            return null;
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var rho = Pearson(rx, ry);
        if (double.IsNaN(rho))
        {
            return null;
        }

        rho = Math.Clamp(rho, -1, 1);
        var dof = n - 2;
        double p;
        if (Math.Abs(rho) >= 1)
        {
            p = 0;
        }
        else
        {
            var t = rho * Math.Sqrt(dof / ((1 + rho) * (1 - rho)));
            p = Math.Min(1, 2 * StudentT.CDF(0, 1, dof, -Math.Abs(t)));
        }

        return new RankCorrelation(rho, p, n);
    }

    /// <summary>1-based ranks; tied values share the mean of the ranks they span.</summary>
    internal static double[] Ranks(IReadOnlyList<double> values)
    {
        var n = values.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]) is var c and not 0 ? c : a.CompareTo(b));
        var ranks = new double[n];
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && values[order[end]] == values[order[start]])
            {
                end++;
            }

            // Positions start..end-1 hold ranks start+1..end: their mean.
            var rank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end;
        }

        return ranks;
    }

    private static double Pearson(double[] a, double[] b)
    {
        var n = a.Length;
        double ma = 0, mb = 0;
        for (var i = 0; i < n; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            var da = a[i] - ma;
            var db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }

        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }
}
