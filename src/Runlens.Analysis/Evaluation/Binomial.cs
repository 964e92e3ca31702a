namespace Runlens.Analysis.Evaluation;

/// <summary>
/// Exact binomial and multinomial draws from a <see cref="ResampleGenerator"/>'s uniforms, so that a bootstrap resample of
/// metrics that depend only on counts per cell is drawn as the cells' counts (a multinomial over the cells with the full
/// sample's proportions) instead of one random example at a time. Binomial(n, p): p above ½ as n minus Binomial(n, 1 − p);
/// n·p under 10 by inversion (a sequential search of the distribution function, numpy's <c>random_binomial_inversion</c>);
/// otherwise Hörmann's BTRS, transformed rejection with squeeze ("The generation of binomial random variates", 1993; as
/// TensorFlow draws it), which accepts a draw against the exact probability mass (the log-factorials by Stirling's series
/// with its tail tabulated below 10).
/// </summary>
internal static class Binomial
{
    /// <summary>A draw of Binomial(<paramref name="n"/>, <paramref name="p"/>).</summary>
    public static int Sample(ref ResampleGenerator rng, int n, double p)
    {
        if (n <= 0 || p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return n;
        }

        return p > 0.5 ? n - Draw(ref rng, n, 1 - p) : Draw(ref rng, n, p);
    }

    /// <summary>A multinomial draw of <paramref name="n"/> over cells with weights <paramref name="weights"/> (each cell's
    /// probability its weight over their total) into <paramref name="counts"/>: the cells in order, each a binomial of the
    /// draws left with its share of the weight left.</summary>
    public static void Multinomial(ref ResampleGenerator rng, int n, ReadOnlySpan<long> weights, Span<long> counts)
    {
        counts.Clear();
        var weightLeft = 0L;
        foreach (var w in weights)
        {
            weightLeft += w;
        }

        var left = n;
        for (var c = 0; c < weights.Length && left > 0; c++)
        {
            var w = weights[c];
            if (w <= 0)
            {
                continue;
            }

            if (w >= weightLeft)
            {
                counts[c] = left;
                return;
            }

            var k = Sample(ref rng, left, w / (double)weightLeft);
            counts[c] = k;
            left -= k;
            weightLeft -= w;
        }
    }

    private static int Draw(ref ResampleGenerator rng, int n, double p) =>
        n * p < 10 ? Inversion(ref rng, n, p) : Btrs(ref rng, n, p);

    /// <summary>p ≤ ½, n·p &lt; 10: walk the distribution function from 0 until it passes a uniform (restarting past a
    /// bound far in the tail, as numpy does).</summary>
    private static int Inversion(ref ResampleGenerator rng, int n, double p)
    {
        var q = 1 - p;
        var qn = Math.Exp(n * Math.Log(q));
        var np = n * p;
        var bound = Math.Min(n, np + (10 * Math.Sqrt((np * q) + 1)));
        var x = 0;
        var px = qn;
        var u = rng.NextDouble();
        while (u > px)
        {
            x++;
            if (x > bound)
            {
                x = 0;
                px = qn;
                u = rng.NextDouble();
            }
            else
            {
                u -= px;
                px = (n - x + 1) * p * px / (x * q);
            }
        }

        return x;
    }

    /// <summary>p ≤ ½, n·p ≥ 10: BTRS.</summary>
    private static int Btrs(ref ResampleGenerator rng, int n, double p)
    {
        var q = 1 - p;
        var spq = Math.Sqrt(n * p * q);
        var b = 1.15 + (2.53 * spq);
        var a = -0.0873 + (0.0248 * b) + (0.01 * p);
        var c = (n * p) + 0.5;
        var vr = 0.92 - (4.2 / b);
        var r = p / q;
        var alpha = (2.83 + (5.1 / b)) * spq;
        var m = Math.Floor((n + 1) * p);
        while (true)
        {
            var u = rng.NextDouble() - 0.5;
            var v = rng.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var kd = Math.Floor((((2 * a / us) + b) * u) + c);
            if (!(kd >= 0 && kd <= n))
            {
                continue;
            }

            if (us >= 0.07 && v <= vr)
            {
                return (int)kd;
            }

            v = Math.Log(v * alpha / ((a / (us * us)) + b));
            // log(f(k) / f(m)) of the binomial mass, the log-factorials as Stirling's series (Hörmann's step 3.2)
            var bound = ((m + 0.5) * Math.Log((m + 1) / (r * (n - m + 1))))
                + ((n + 1) * Math.Log((n - m + 1) / (n - kd + 1)))
                + ((kd + 0.5) * Math.Log(r * (n - kd + 1) / (kd + 1)))
                + StirlingTail(m) + StirlingTail(n - m) - StirlingTail(kd) - StirlingTail(n - kd);
            if (v <= bound)
            {
                return (int)kd;
            }
        }
    }

    /// <summary>ln k! − [(k + ½) ln(k + 1) − (k + 1) + ½ ln 2π]: tabulated below 10, the series beyond.</summary>
    private static double StirlingTail(double k)
    {
        if (k <= 9)
        {
            return Tail[(int)k];
        }

        var kp1 = k + 1;
        var kp1sq = kp1 * kp1;
        return ((1.0 / 12) - (((1.0 / 360) - (1.0 / 1260 / kp1sq)) / kp1sq)) / kp1;
    }

    private static readonly double[] Tail =
    [
        0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
        0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
    ];
}
