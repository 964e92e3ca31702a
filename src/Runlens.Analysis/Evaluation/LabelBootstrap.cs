namespace Runlens.Analysis.Evaluation;

/// <summary>
/// Percentile bootstrap intervals (1,000 resamples, fewer for large files: 2·10⁷ ÷ n, at least 100; seed 12345) of the
/// label metrics of one predictions file: accuracy, balanced accuracy and macro-F1, recomputed from the confusion counts
/// of each resample (macro over every class of the file's class list; a class absent from a resample counts with F1 0,
/// balanced accuracy averages the classes present). Since the three depend on a resample only through its confusion
/// counts, each resample is drawn as those counts: a multinomial of n over the K² cells with the full sample's
/// proportions (<see cref="Binomial.Multinomial"/>), which is the distribution of the counts of n examples drawn with
/// replacement, at a cost independent of n. Each resample draws from its own generator (<see cref="ResampleGenerator"/>:
/// the seed and the resample's number), so the intervals are the same on every run and core count.
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

        // One resample, three metrics, all from the resample's confusion counts: so a resample is drawn as those counts, a
        // multinomial of n draws over the cells with the full sample's proportions (the same distribution as n examples
        // drawn one at a time), from its own generator; the resamples on every core.
        string[] names = ["accuracy", "balanced_accuracy", "f1_macro"];
        var cellCount = classes * classes;
        var full = new long[cellCount];
        for (var i = 0; i < n; i++)
        {
            full[(truth[i] * classes) + predicted[i]]++;
        }

        var values = new double[draws][];
        Parallel.For(0, draws, () => new long[cellCount], (r, _, counts) =>
        {
            var rng = new ResampleGenerator(seed, r);
            Binomial.Multinomial(ref rng, n, full, counts);
            values[r] = Metrics(counts, n);
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
}
