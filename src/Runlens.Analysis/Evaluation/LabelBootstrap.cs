namespace Runlens.Analysis.Evaluation;

/// <summary>
/// Percentile bootstrap intervals (1,000 resamples, fewer for large files so that at most about 20 million examples are
/// drawn in all — at least 100; seed 12345) of the label metrics of one predictions file: accuracy,
/// balanced accuracy and macro-F1, recomputed from the confusion counts of each resample (macro over every class of the
/// file's class list; a class absent from a resample counts with F1 0, balanced accuracy averages the classes present).
/// Linear in the number of examples per resample. The resamples are <see cref="Bootstrap"/>'s (each its own generator,
/// <see cref="ResampleGenerator"/>), drawn and counted on every core: the intervals are those of
/// <see cref="Bootstrap.Intervals"/> with the same metrics, whatever the number of cores.
/// </summary>
public static class LabelBootstrap
{
    public static IReadOnlyDictionary<string, BootstrapInterval> Intervals(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes, int? resamples = null, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var n = truth.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var draws = resamples ?? (int)Math.Clamp(2e7 / Math.Max(1, n), 100, 1000);
        // each example's confusion cell, once: a resample then only counts cells
        var cells = new int[n];
        for (var i = 0; i < n; i++)
        {
            cells[i] = (truth[i] * classes) + predicted[i];
        }

        double[] Metrics(long[] counts, long total) => [Diagonal(counts) / (double)total, BalancedAccuracy(counts), MacroF1(counts)];

        long Diagonal(long[] counts)
        {
            var d = 0L;
            for (var c = 0; c < classes; c++)
            {
                d += counts[(c * classes) + c];
            }

            return d;
        }

        double BalancedAccuracy(long[] counts)
        {
            var sum = 0.0;
            var present = 0;
            for (var c = 0; c < classes; c++)
            {
                var support = 0L;
                for (var j = 0; j < classes; j++)
                {
                    support += counts[(c * classes) + j];
                }

                if (support > 0)
                {
                    sum += counts[(c * classes) + c] / (double)support;
                    present++;
                }
            }

            return present == 0 ? double.NaN : sum / present;
        }

        double MacroF1(long[] counts)
        {
            var sum = 0.0;
            for (var c = 0; c < classes; c++)
            {
                long tp = counts[(c * classes) + c], support = 0, predictedCount = 0;
                for (var j = 0; j < classes; j++)
                {
                    support += counts[(c * classes) + j];
                    predictedCount += counts[(j * classes) + c];
                }

                sum += support + predictedCount == 0 ? 0 : 2.0 * tp / (support + predictedCount);
            }

            return sum / classes;
        }

        // One resample, three metrics; the resamples on every core, each worker with its own counts. Each resample draws
        // from its own generator (Bootstrap.Draw's), counting each drawn example's cell as it is drawn.
        string[] names = ["accuracy", "balanced_accuracy", "f1_macro"];
        var full = new long[classes * classes];
        foreach (var cell in cells)
        {
            full[cell]++;
        }

        // the cells as bytes where the classes allow (up to 16): a quarter of the memory, so that the random reads of a
        // resample stay in the cache
        var small = classes * classes <= 256 ? new byte[n] : null;
        if (small is not null)
        {
            for (var i = 0; i < n; i++)
            {
                small[i] = (byte)cells[i];
            }
        }

        var values = new double[draws][];
        var cellCount = classes * classes;
        Parallel.For(0, draws, () => new long[(Tables + 1) * cellCount], (r, _, counts) =>
        {
            Array.Clear(counts);
            var rng = new ResampleGenerator(seed, r);
            // the draws a block at a time (eight to a vector step), each block's cells then counted in four tables
            Span<int> block = stackalloc int[BlockDraws];
            var tables = counts.AsSpan(cellCount);
            for (var done = 0; done < n; done += BlockDraws)
            {
                var drawn = block[..Math.Min(BlockDraws, n - done)];
                rng.Fill(drawn, n);
                if (small is not null)
                {
                    Count(drawn, small, tables, cellCount);
                }
                else
                {
                    Count(drawn, cells, tables, cellCount);
                }
            }

            var total = counts.AsSpan(0, cellCount);
            for (var t = 0; t < Tables; t++)
            {
                var table = tables.Slice(t * cellCount, cellCount);
                for (var c = 0; c < cellCount; c++)
                {
                    total[c] += table[c];
                }
            }

            values[r] = Metrics(counts[..cellCount], n);
            return counts;
        }, _ => { });
        var intervals = Bootstrap.Summarise(Metrics(full, n), values, names.Length);
        var result = new Dictionary<string, BootstrapInterval>(StringComparer.Ordinal);
        for (var m = 0; m < names.Length; m++)
        {
            result[names[m]] = intervals[m];
        }

        return result;
    }

    /// <summary>Draws made a block at a time (on the stack: 16 KB).</summary>
    private const int BlockDraws = 4096;

    /// <summary>Count tables per resample: consecutive draws of the same cell then increment different counters, so that
    /// one increment need not wait for the one before (the counts are summed after: the same integers).</summary>
    private const int Tables = 4;

    private static void Count<T>(ReadOnlySpan<int> drawn, T[] cells, Span<long> tables, int cellCount)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var t0 = tables[..cellCount];
        var t1 = tables.Slice(cellCount, cellCount);
        var t2 = tables.Slice(2 * cellCount, cellCount);
        var t3 = tables.Slice(3 * cellCount, cellCount);
        var i = 0;
        for (; i <= drawn.Length - 4; i += 4)
        {
            t0[int.CreateTruncating(cells[drawn[i]])]++;
            t1[int.CreateTruncating(cells[drawn[i + 1]])]++;
            t2[int.CreateTruncating(cells[drawn[i + 2]])]++;
            t3[int.CreateTruncating(cells[drawn[i + 3]])]++;
        }

        for (; i < drawn.Length; i++)
        {
            t0[int.CreateTruncating(cells[drawn[i]])]++;
        }
    }
}
