using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Runlens.Analysis.Sweeps;

/// <summary>
/// Random-forest permutation importance with ML.NET: <see cref="ImpactOptions.Repeats"/> fits of a FastForest regression,
/// each on its own seeded random split of the runs; the importance of a column is the increase of the root-mean-square
/// error on the held-out runs when that column is shuffled (ML.NET's <c>PermutationFeatureImportance</c>, 3 shuffles).
/// Each fit runs on one thread with its own seed, so the result does not depend on the machine; fits run in parallel.
/// </summary>
internal static class ForestImportance
{
    public const string Library = "ML.NET 5.0.1 FastForest regression + PermutationFeatureImportance";

    private const int Shuffles = 3;

    public const string Measure = "increase of the root-mean-square error on the held-out runs when the parameter's column is shuffled (mean of 3 shuffles per fit); mean and std over the fits";

    /// <param name="Importance">[column][fit]: increase of held-out RMSE when the column is shuffled.</param>
    /// <param name="R2">Held-out R² per fit.</param>
    public sealed record Result(double[][] Importance, double[] R2, int TrainRuns, int HeldOutRuns);

    /// <summary>Fits the forests. <paramref name="features"/> is [run][column], <paramref name="labels"/> [run].</summary>
    public static Result Fit(IReadOnlyList<float[]> features, IReadOnlyList<float> labels, ImpactOptions options)
    {
        var n = labels.Count;
        var width = features[0].Length;
        var heldOut = Math.Clamp((int)Math.Round(n * options.HoldOut), 1, n - 2);
        var train = n - heldOut;
        var importance = new double[width][];
        for (var j = 0; j < width; j++)
        {
            importance[j] = new double[options.Repeats];
        }

        var r2 = new double[options.Repeats];
        // The fits run on threads of their own, not on the thread pool: ML.NET waits on pool tasks inside a fit, and fits
        // holding every pool thread made those waits last until the pool grew (seconds of idle wall time).
        var next = -1;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failed = null;
        var workers = Enumerable.Range(0, Math.Min(options.Repeats, Environment.ProcessorCount)).Select(_ => new Thread(() =>
        {
            try
            {
                for (var k = Interlocked.Increment(ref next); k < options.Repeats && failed is null; k = Interlocked.Increment(ref next))
                {
                    FitOne(k);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failed, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex), null);
            }
        }) { IsBackground = true }).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        failed?.Throw();
        return new Result(importance, r2, train, heldOut);

        void FitOne(int k)
        {
            var seed = options.Seed + k;
            var order = Enumerable.Range(0, n).ToArray();
            new Random(seed).Shuffle(order);
            var ctx = new MLContext(seed);
            var trainData = Load(ctx, [.. order.Skip(heldOut).Select(i => new ForestRow { Features = features[i], Label = labels[i] })], width);
            var testData = Load(ctx, [.. order.Take(heldOut).Select(i => new ForestRow { Features = features[i], Label = labels[i] })], width);
            var trainer = ctx.Regression.Trainers.FastForest(new FastForestRegressionTrainer.Options
            {
                NumberOfTrees = options.Trees,
                NumberOfThreads = 1,
                MinimumExampleCountPerLeaf = Math.Clamp(train / 20, 2, 10),
                NumberOfLeaves = Math.Clamp(train / 4, 2, 20),
                MaximumBinCountPerFeature = 64,
            });
            var model = trainer.Fit(trainData);
            r2[k] = ctx.Regression.Evaluate(model.Transform(testData)).RSquared;
            var pfi = ctx.Regression.PermutationFeatureImportance(model, testData, permutationCount: Shuffles);
            for (var j = 0; j < width; j++)
            {
                importance[j][k] = pfi[j].RootMeanSquaredError.Mean;
            }
        }
    }

    private static IDataView Load(MLContext ctx, ImmutableArray<ForestRow> rows, int width)
    {
        var schema = SchemaDefinition.Create(typeof(ForestRow));
        schema[nameof(ForestRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ctx.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>One run as ML.NET reads it.</summary>
    private sealed class ForestRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
