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
    /// resample returns all <paramref name="count"/> values, NaN where undefined).</summary>
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
        var rng = new Random(seed);
        void Draw(int[] into)
        {
            for (var i = 0; i < into.Length; i++)
            {
                into[i] = rng.Next(n);
            }
        }

        // On large samples the next resample is drawn on another core while this one is measured: the generator still
        // runs in one sequence, so the draws are the same as one after the other.
        var draw = new int[n];
        var next = n >= ParallelDrawFrom ? new int[n] : null;
        var samples = Enumerable.Range(0, count).Select(_ => new List<double>(resamples)).ToArray();
        if (resamples > 0)
        {
            Draw(draw);
        }

        for (var r = 0; r < resamples; r++)
        {
            var last = r == resamples - 1;
            var target = next;
            var ahead = target is not null && !last ? Task.Run(() => Draw(target)) : null;
            var values = metrics(draw);
            if (ahead is not null)
            {
                ahead.GetAwaiter().GetResult();
                (draw, next) = (target!, draw);
            }
            else if (!last)
            {
                Draw(draw);
            }

            for (var m = 0; m < count; m++)
            {
                if (double.IsFinite(values[m]))
                {
                    samples[m].Add(values[m]);
                }
            }
        }

        var result = new BootstrapInterval[count];
        for (var m = 0; m < count; m++)
        {
            samples[m].Sort();
            result[m] = samples[m].Count == 0
                ? new BootstrapInterval(estimates[m], double.NaN, double.NaN, 0)
                : new BootstrapInterval(estimates[m], Percentile(samples[m], 2.5), Percentile(samples[m], 97.5), samples[m].Count);
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
