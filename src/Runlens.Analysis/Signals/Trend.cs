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
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                finite++;
            }
        }

        var stride = Math.Max(1, (finite + maxPoints - 1) / Math.Max(1, maxPoints));
        var seen = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]) && seen++ % stride == 0)
            {
                xs.Add(x[i]);
                ys.Add(y[i]);
            }
        }

        var slopes = new List<double>();
        for (var i = 0; i < xs.Count; i++)
        {
            for (var j = 0; j < xs.Count; j++)
            {
                var dx = xs[j] - xs[i];
                if (dx > 0)
                {
                    slopes.Add((ys[j] - ys[i]) / dx);
                }
            }
        }

        if (slopes.Count == 0)
        {
            return new Line(double.NaN, double.NaN);
        }

        var slope = SeriesMath.Median(slopes.ToArray());
        return new Line(slope, SeriesMath.Median(ys.ToArray()) - (slope * SeriesMath.Median(xs.ToArray())));
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
            rates[i] = !double.IsFinite(prev) || !double.IsFinite(cur) || prev == 0
                ? double.NaN
                : (greaterIsBetter ? cur - prev : prev - cur) / Math.Abs(prev);
        }

        return rates;
    }
}
