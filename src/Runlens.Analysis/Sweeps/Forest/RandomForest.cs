namespace Runlens.Analysis.Sweeps.Forest;

/// <summary>
/// A random forest for regression as scikit-learn's <c>RandomForestRegressor</c> builds one: each tree is grown on a
/// bootstrap sample of the training rows (as many draws as rows, with replacement, given to the tree as draw counts), and
/// the forest predicts the mean of its trees.
/// </summary>
internal sealed class RandomForest
{
    private readonly RegressionTree[] _trees;

    private RandomForest(RegressionTree[] trees) => _trees = trees;

    /// <param name="trainRows">The rows of <paramref name="data"/> to learn from.</param>
    public static RandomForest Grow(ForestData data, IReadOnlyList<int> trainRows, int trees, TreeOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(trainRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(trees, 1);
        if (trainRows.Count == 0)
        {
            throw new ArgumentException("no training rows", nameof(trainRows));
        }

        var random = new Random(seed);
        var grown = new RegressionTree[trees];
        var weights = new double[data.Rows];
        for (var t = 0; t < trees; t++)
        {
            Array.Clear(weights);
            for (var i = 0; i < trainRows.Count; i++)
            {
                weights[trainRows[random.Next(trainRows.Count)]] += 1;
            }

            grown[t] = RegressionTree.Grow(data, weights, options, random);
        }

        return new RandomForest(grown);
    }

    /// <summary>The mean of the trees' predictions for one row of features.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        foreach (var tree in _trees)
        {
            sum += tree.Predict(row);
        }

        return sum / _trees.Length;
    }
}
