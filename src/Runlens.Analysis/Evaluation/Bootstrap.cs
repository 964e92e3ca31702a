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
/// given seed: resample <c>r</c> draws from its own generator (<see cref="ResampleGenerator"/>: the seed and <c>r</c>
/// mixed), so resamples can be drawn on any core in any order and still give the same values.
/// </summary>
public static class Bootstrap
{
    /// <summary>From this many examples on, the next resample is drawn while the current one is measured.</summary>
    private const int ParallelDrawFrom = 50_000;

    /// <param name="n">Number of examples.</param>
    /// <param name="metric">The metric of a sample given as example indices (may repeat); NaN when undefined.</param>
    public static BootstrapInterval Interval(int n, Func<ReadOnlySpan<int>, double> metric, int resamples = 1000, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Intervals(n, 1, idx => [metric(idx)], resamples, seed)[0];
    }

    /// <summary>Intervals of several metrics computed from the same draws (one call of <paramref name="metrics"/> per
    /// resample returns all <paramref name="count"/> values, NaN where undefined). <paramref name="metrics"/> is called
    /// from one thread at a time, resample after resample.</summary>
    public static BootstrapInterval[] Intervals(int n, int count, Func<ReadOnlySpan<int>, double[]> metrics, int resamples = 1000, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var all = new int[n];
        for (var i = 0; i < n; i++)
        {
            all[i] = i;
        }

        var estimates = metrics(all);

        // On large samples the next resample is drawn on another core while this one is measured.
        var draw = new int[n];
        var next = n >= ParallelDrawFrom ? new int[n] : null;
        var values = new double[resamples][];
        if (resamples > 0)
        {
            Draw(draw, seed, 0);
        }

        for (var r = 0; r < resamples; r++)
        {
            var last = r == resamples - 1;
            var target = next;
            var following = r + 1;
            var ahead = target is not null && !last ? Task.Run(() => Draw(target, seed, following)) : null;
            values[r] = metrics(draw);
            if (ahead is not null)
            {
                ahead.GetAwaiter().GetResult();
                (draw, next) = (target!, draw);
            }
            else if (!last)
            {
                Draw(draw, seed, following);
            }
        }

        return Summarise(estimates, values, count);
    }

    /// <summary>Resample <paramref name="resample"/>'s draws: <c>into.Length</c> indices below <c>into.Length</c>.</summary>
    internal static void Draw(int[] into, int seed, int resample)
    {
        ArgumentNullException.ThrowIfNull(into);
        var rng = new ResampleGenerator(seed, resample);
        rng.Fill(into, into.Length);
    }

    /// <summary>Each metric's interval from the full-sample estimates and every resample's values (in resample order;
    /// undefined values left out).</summary>
    internal static BootstrapInterval[] Summarise(double[] estimates, double[][] values, int count)
    {
        var result = new BootstrapInterval[count];
        for (var m = 0; m < count; m++)
        {
            var samples = new List<double>(values.Length);
            foreach (var v in values)
            {
                if (double.IsFinite(v[m]))
                {
                    samples.Add(v[m]);
                }
            }

            samples.Sort();
            result[m] = samples.Count == 0
                ? new BootstrapInterval(estimates[m], double.NaN, double.NaN, 0)
                : new BootstrapInterval(estimates[m], Percentile(samples, 2.5), Percentile(samples, 97.5), samples.Count);
        }

        return result;
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
