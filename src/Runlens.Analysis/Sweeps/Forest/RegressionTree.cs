namespace Runlens.Analysis.Sweeps.Forest;

/// <summary>Settings of one tree, named and meant as scikit-learn's <c>DecisionTreeRegressor</c> means them.</summary>
/// <param name="MinSamplesLeaf">Fewest (distinct) samples in a leaf.</param>
/// <param name="MaxDepth">Deepest a leaf may lie (the root is depth 0).</param>
/// <param name="MaxFeatures">Features with more than one value in a node that are tried for its split, drawn at random;
/// at least the number of features means all of them.</param>
internal sealed record TreeOptions(int MinSamplesLeaf = 1, int MaxDepth = int.MaxValue, int MaxFeatures = int.MaxValue);

/// <summary>
/// A CART regression tree grown as scikit-learn grows one (<c>DecisionTreeRegressor</c>, squared error, best splitter):
/// every node takes the split that most lowers the weighted squared error, scanning the split points between distinct
/// values of each feature tried, with the threshold halfway between them; a node stays a leaf when it is too small, too
/// deep or already pure. Written here because no random-forest library that restores on this stack answers within the
/// MCP server's budget (ML.NET's FastForest spends about 25 ms per fit on set-up alone, for 40 rows). Rows enter with a
/// weight, 0 for rows the tree must not see, so a bootstrap sample is a vector of draw counts as in scikit-learn.
/// </summary>
internal sealed class RegressionTree
{
    /// <summary>scikit-learn's <c>FEATURE_THRESHOLD</c>: values closer than this are one value.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>scikit-learn's <c>EPSILON</c> (the double machine epsilon): a node whose impurity is below it is pure.</summary>
    private const double Epsilon = 2.220446049250313e-16;

    private readonly int[] _feature;
    private readonly double[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _value;

    private RegressionTree(List<Node> nodes)
    {
        _feature = [.. nodes.Select(n => n.Feature)];
        _threshold = [.. nodes.Select(n => n.Threshold)];
        _left = [.. nodes.Select(n => n.Left)];
        _right = [.. nodes.Select(n => n.Right)];
        _value = [.. nodes.Select(n => n.Value)];
    }

    /// <summary>Nodes, leaves included.</summary>
    public int NodeCount => _value.Length;

    /// <summary>Node <paramref name="i"/> in the order the tree grew them (depth first, left child first, as scikit-learn
    /// numbers its nodes): the feature it splits on (-1 for a leaf), its threshold, its value and its children (rows with
    /// the feature at most the threshold go left).</summary>
    public (int Feature, double Threshold, double Value, int Left, int Right) NodeAt(int i) => (_feature[i], _threshold[i], _value[i], _left[i], _right[i]);

    /// <summary>Grows a tree on the rows of <paramref name="data"/> with a positive weight.</summary>
    /// <param name="weights">[row]: how many times the row counts (a bootstrap draw count); 0 leaves it out.</param>
    /// <param name="random">Draws the features tried at each node when <see cref="TreeOptions.MaxFeatures"/> is below
    /// the number of features (their order otherwise, which can matter only for exactly tied splits).</param>
    public static RegressionTree Grow(ForestData data, double[] weights, TreeOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        return new Builder(data, weights, options, random).Build();
    }

    /// <summary>The tree's prediction for one row of features.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        var node = 0;
        while (_feature[node] >= 0)
        {
            node = row[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
        }

        return _value[node];
    }

    private struct Node
    {
        public int Feature; // -1 for a leaf
        public double Threshold;
        public int Left;
        public int Right;
        public double Value;
    }

    /// <summary>
    /// Grows the tree depth first. Every feature keeps the node's samples in a range of its own sorted array; splitting a
    /// node partitions each array's range stably into the left then the right child, so nothing is sorted twice.
    /// </summary>
    private sealed class Builder(ForestData data, double[] weights, TreeOptions options, Random random)
    {
        private readonly List<Node> _nodes = [];
        private int[][] _sorted = [];
        private bool[] _goesLeft = [];
        private int[] _scratch = [];
        private int[] _features = [];

        public RegressionTree Build()
        {
            _sorted = new int[data.Features][];
            for (var f = 0; f < data.Features; f++)
            {
                _sorted[f] = [.. data.Order[f].Where(r => weights[r] > 0)];
            }

            var count = _sorted[0].Length;
            if (count == 0)
            {
                throw new ArgumentException("no row has a positive weight", nameof(weights));
            }

            _goesLeft = new bool[data.Rows];
            _scratch = new int[count];
            _features = [.. Enumerable.Range(0, data.Features)];
            var stack = new Stack<(int Start, int End, int Depth, int Parent, bool IsLeft)>();
            stack.Push((0, count, 0, -1, false));
            while (stack.Count > 0)
            {
                var (start, end, depth, parent, isLeft) = stack.Pop();
                var id = _nodes.Count;
                _nodes.Add(Split(start, end, depth, out var split));
                if (parent >= 0)
                {
                    var p = _nodes[parent];
                    if (isLeft)
                    {
                        p.Left = id;
                    }
                    else
                    {
                        p.Right = id;
                    }

                    _nodes[parent] = p;
                }

                if (split > 0)
                {
                    stack.Push((split, end, depth + 1, id, false));
                    stack.Push((start, split, depth + 1, id, true));
                }
            }

            return new RegressionTree(_nodes);
        }

        /// <summary>The node over <c>[start, end)</c>; <paramref name="split"/> is the first position of its right child,
        /// or 0 for a leaf.</summary>
        private Node Split(int start, int end, int depth, out int split)
        {
            split = 0;
            double w = 0, sum = 0, squares = 0;
            var rows = _sorted[0];
            for (var i = start; i < end; i++)
            {
                var r = rows[i];
                var y = data.Target[r];
                w += weights[r];
                sum += weights[r] * y;
                squares += weights[r] * y * y;
            }

            var node = new Node { Feature = -1, Value = sum / w, Left = -1, Right = -1 };
            var n = end - start;
            var impurity = (squares / w) - ((sum / w) * (sum / w));
            if (depth >= options.MaxDepth || n < 2 || n < 2 * options.MinSamplesLeaf || impurity <= Epsilon)
            {
                return node;
            }

            var best = double.NegativeInfinity;
            var bestFeature = -1;
            var bestPosition = 0;
            var bestThreshold = 0.0;
            var tried = 0;
            // Features in random order (Fisher-Yates as it goes); constant ones do not count towards MaxFeatures.
            for (var k = 0; k < _features.Length && tried < options.MaxFeatures; k++)
            {
                var pick = k + random.Next(_features.Length - k);
                (_features[k], _features[pick]) = (_features[pick], _features[k]);
                var f = _features[k];
                var order = _sorted[f];
                var x = data.Columns[f];
                if (x[order[end - 1]] <= x[order[start]] + FeatureThreshold)
                {
                    continue;
                }

                tried++;
                double wl = 0, sl = 0;
                for (var p = start + 1; p < end; p++)
                {
                    var previous = order[p - 1];
                    wl += weights[previous];
                    sl += weights[previous] * data.Target[previous];
                    if (x[order[p]] <= x[previous] + FeatureThreshold
                        || p - start < options.MinSamplesLeaf || end - p < options.MinSamplesLeaf)
                    {
                        continue;
                    }

                    var sr = sum - sl;
                    var proxy = (sl * sl / wl) + (sr * sr / (w - wl));
                    if (proxy > best)
                    {
                        best = proxy;
                        bestFeature = f;
                        bestPosition = p;
                        var threshold = (x[previous] / 2.0) + (x[order[p]] / 2.0);
                        bestThreshold = threshold == x[order[p]] || double.IsInfinity(threshold) ? x[previous] : threshold;
                    }
                }
            }

            if (bestFeature < 0)
            {
                return node;
            }

            var chosen = _sorted[bestFeature];
            for (var i = start; i < end; i++)
            {
                _goesLeft[chosen[i]] = i < bestPosition;
            }

            for (var f = 0; f < data.Features; f++)
            {
                if (f != bestFeature)
                {
                    Partition(_sorted[f], start, end);
                }
            }

            node.Feature = bestFeature;
            node.Threshold = bestThreshold;
            split = bestPosition;
            return node;
        }

        /// <summary>Stable partition of <c>order[start..end)</c>: rows going left first, each side in its old order.</summary>
        private void Partition(int[] order, int start, int end)
        {
            var left = start;
            var right = 0;
            for (var i = start; i < end; i++)
            {
                var r = order[i];
                if (_goesLeft[r])
                {
                    order[left++] = r;
                }
                else
                {
                    _scratch[right++] = r;
                }
            }

            Array.Copy(_scratch, 0, order, left, right);
        }
    }
}
