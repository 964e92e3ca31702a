using Runlens.Analysis.Sweeps.Forest;

namespace Runlens.Analysis.Sweeps;

/// <summary>
/// Random-forest permutation importance: <see cref="ImpactOptions.Repeats"/> fits of a random forest for regression
/// (<see cref="RandomForest"/>, grown as scikit-learn's <c>RandomForestRegressor</c> with its default settings), each on
/// its own seeded random split of the runs; the importance of a column is the increase of the root-mean-square error on
/// the held-out runs when that column is shuffled among them (mean of 3 shuffles), as scikit-learn's
/// <c>permutation_importance</c> measures it. Each fit is seeded on its own, so the result does not depend on the
/// machine or on how the fits are spread over threads.
/// </summary>
internal static class ForestImportance
{
    public const string Library = "Runlens random forest (CART regression trees grown as scikit-learn's RandomForestRegressor: bootstrap, squared error, all parameters tried at each split, leaves of 1 run) + permutation importance";

    private const int Shuffles = 3;

    public const string Measure = "increase of the root-mean-square error on the held-out runs when the parameter's column is shuffled (mean of 3 shuffles per fit); mean and std over the fits";

    /// <summary>The trees' settings: scikit-learn's defaults for <c>RandomForestRegressor</c>.</summary>
    internal static TreeOptions Tree { get; } = new();

    /// <param name="Importance">[column][fit]: increase of held-out RMSE when the column is shuffled.</param>
    /// <param name="R2">Held-out R² per fit.</param>
    public sealed record Result(double[][] Importance, double[] R2, int TrainRuns, int HeldOutRuns);

    /// <summary>Fits the forests. <paramref name="features"/> is [run][column], <paramref name="labels"/> [run].</summary>
    public static Result Fit(IReadOnlyList<float[]> features, IReadOnlyList<double> labels, ImpactOptions options)
    {
        var data = new ForestData(features, labels);
        var n = data.Rows;
        var width = data.Features;
        var heldOut = Math.Clamp((int)Math.Round(n * options.HoldOut), 1, n - 2);
        var importance = new double[width][];
        for (var j = 0; j < width; j++)
        {
            importance[j] = new double[options.Repeats];
        }

        var r2 = new double[options.Repeats];
        Parallel.For(0, options.Repeats, k =>
        {
            var seed = options.Seed + k;
            var random = new Random(seed);
            var order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(order);
            var forest = RandomForest.Grow(data, order[heldOut..], options.Trees, Tree, seed);
            var test = order[..heldOut].Select(i => (float[])features[i].Clone()).ToArray();
            var truth = order[..heldOut].Select(i => labels[i]).ToArray();
            var baseline = Rmse(forest, test, truth);
            var mean = truth.Average();
            var total = truth.Sum(y => (y - mean) * (y - mean));
            r2[k] = total > 0 ? 1 - (baseline * baseline * truth.Length / total) : double.NaN;
            var column = new float[heldOut];
            var permutation = Enumerable.Range(0, heldOut).ToArray();
            for (var j = 0; j < width; j++)
            {
                for (var i = 0; i < heldOut; i++)
                {
                    column[i] = test[i][j];
                }

                var rise = 0.0;
                for (var s = 0; s < Shuffles; s++)
                {
                    random.Shuffle(permutation);
                    for (var i = 0; i < heldOut; i++)
                    {
                        test[i][j] = column[permutation[i]];
                    }

                    rise += Rmse(forest, test, truth) - baseline;
                }

                for (var i = 0; i < heldOut; i++)
                {
                    test[i][j] = column[i];
                }

                importance[j][k] = rise / Shuffles;
            }
        });
        return new Result(importance, r2, n - heldOut, heldOut);
    }

    private static double Rmse(RandomForest forest, float[][] rows, double[] truth)
    {
        var sum = 0.0;
        for (var i = 0; i < rows.Length; i++)
        {
            var e = forest.Predict(rows[i]) - truth[i];
            sum += e * e;
        }

        return Math.Sqrt(sum / rows.Length);
    }
}
