namespace Runlens.Analysis.Evaluation;

/// <summary>A percentile bootstrap interval.</summary>
/// <param name="Estimate">The metric on the full sample.</param>
/// <param name="Low">The 2.5th percentile of the resampled metrics.</param>
/// <param name="High">The 97.5th percentile.</param>
/// <param name="Resamples">How many resamples were drawn (those where the metric was undefined are left out).</param>
public sealed record BootstrapInterval(double Estimate, double Low, double High, int Resamples);

/// <summary>
/// Percentile bootstrap for a single run's metrics: draw the examples with replacement <c>resamples</c> times, compute the
/// metric on each draw, take the 2.5th and 97.5th percentiles (numpy's default linear interpolation). Deterministic for a
/// given seed.
/// </summary>
public static class Bootstrap
{
    /// <param name="n">Number of examples.</param>
    /// <param name="metric">The metric of a sample given as example indices (may repeat); NaN when undefined.</param>
    public static BootstrapInterval Interval(int n, Func<ReadOnlySpan<int>, double> metric, int resamples = 1000, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var all = new int[n];
        for (var i = 0; i < n; i++)
        {
            all[i] = i;
        }

        var estimate = metric(all);
        var rng = new Random(seed);
        var draw = new int[n];
        var values = new List<double>(resamples);
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++)
            {
                draw[i] = rng.Next(n);
            }

            var v = metric(draw);
            if (double.IsFinite(v))
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return new BootstrapInterval(estimate, double.NaN, double.NaN, 0);
        }

        values.Sort();
        return new BootstrapInterval(estimate, Percentile(values, 2.5), Percentile(values, 97.5), values.Count);
    }

    /// <summary>numpy's <c>percentile(..., method="linear")</c> of sorted values.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        var h = (sorted.Count - 1) * q / 100;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
