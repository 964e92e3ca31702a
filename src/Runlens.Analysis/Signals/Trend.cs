namespace Runlens.Analysis.Signals;

/// <summary>A straight-line fit: <c>y ≈ Intercept + Slope·x</c>.</summary>
public readonly record struct Line(double Slope, double Intercept);

/// <summary>Robust trends.</summary>
public static class Trend
{
    /// <summary>
    /// Theil–Sen estimator (scipy <c>theilslopes(y, x, method="separate")</c>): slope = median of the pairwise slopes
    /// over pairs with x_j &gt; x_i, intercept = median(y) − slope·median(x). Non-finite points are left out. Series longer
    /// than <paramref name="maxPoints"/> are thinned to evenly strided points first (the estimator is quadratic).
    /// Returns NaN slope and intercept when fewer than two distinct x remain.
    /// </summary>
    public static Line TheilSen(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int maxPoints = 1024)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x has {x.Length} values and y {y.Length}", nameof(y));
        }

        var xs = new List<double>();
        var ys = new List<double>();
        var finite = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (Finite.Is(x[i]) && Finite.Is(y[i]))
            {
                finite++;
            }
        }

        var stride = Math.Max(1, (finite + maxPoints - 1) / Math.Max(1, maxPoints));
        var seen = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (Finite.Is(x[i]) && Finite.Is(y[i]) && seen++ % stride == 0)
            {
                xs.Add(x[i]);
                ys.Add(y[i]);
            }
        }

        // Each unordered pair once: the slope of the pair taken with its larger x second, as the ordered loop would give it.
        var xa = xs.ToArray();
        var ya = ys.ToArray();
        var slopes = System.Buffers.ArrayPool<double>.Shared.Rent(Math.Max(1, xa.Length * (xa.Length - 1) / 2));
        try
        {
            var count = 0;
            for (var i = 0; i < xa.Length; i++)
            {
                for (var j = i + 1; j < xa.Length; j++)
                {
                    var dx = xa[j] - xa[i];
                    if (dx > 0)
                    {
                        slopes[count++] = (ya[j] - ya[i]) / dx;
                    }
                    else if (dx < 0)
                    {
                        slopes[count++] = (ya[i] - ya[j]) / (xa[i] - xa[j]);
                    }
                }
            }

            if (count == 0)
            {
                return new Line(double.NaN, double.NaN);
            }

            var slope = SeriesMath.Median(slopes.AsSpan(0, count));
            return new Line(slope, SeriesMath.Median(ya) - (slope * SeriesMath.Median(xa)));
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(slopes);
        }
    }

    /// <summary>Theil–Sen over index positions 0, 1, 2, …</summary>
    public static Line TheilSen(ReadOnlySpan<double> y, int maxPoints = 1024)
    {
        var x = new double[y.Length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = i;
        }

        return TheilSen(x, y, maxPoints);
    }

    /// <summary>
    /// Relative improvement from each evaluation to the next: <c>(v_{i−1} − v_i) / |v_{i−1}|</c> when lower is better,
    /// the opposite sign when greater is better, so positive always means better. The first entry, and any entry
    /// whose previous value is zero or non-finite, is NaN. Seed 001: healthy runs start near 0.02–0.05 and decrease;
    /// under 0.001 for several evaluations is a plateau; negative means getting worse.
    /// </summary>
    public static double[] ImprovementRates(ReadOnlySpan<double> values, bool greaterIsBetter)
    {
        var rates = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var prev = i == 0 ? double.NaN : values[i - 1];
            var cur = values[i];
            rates[i] = !Finite.Is(prev) || !Finite.Is(cur) || prev == 0
                ? double.NaN
                : (greaterIsBetter ? cur - prev : prev - cur) / Math.Abs(prev);
        }

        return rates;
    }
}
