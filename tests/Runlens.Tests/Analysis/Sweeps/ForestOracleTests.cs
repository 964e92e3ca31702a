using System.Text.Json;
using Runlens.Analysis.Sweeps;
using Runlens.Analysis.Sweeps.Forest;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Sweeps;

/// <summary>
/// Runlens' random forest against scikit-learn 1.2.1 (tests/fixtures/oracles/forest/forest.json, written by
/// make_forest.py). A tree is deterministic, so each must be scikit-learn's tree: the same nodes holding the same training
/// rows with the same values, the same feature and threshold at every split that was not a tie, and the same predictions
/// on new rows that meet no tie. Forests are random, so they are compared in distribution: over 20 splits each,
/// held-out R² and every feature's permutation importance must agree within the splits' sampling error.
/// </summary>
public sealed class ForestOracleTests
{
    private static readonly Lazy<JsonDocument> Oracle = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "forest", "forest.json")))));

    public static TheoryData<string> Trees() => [.. Cases("trees").Select(c => c.GetProperty("name").GetString()!)];

    public static TheoryData<string> Forests() => [.. Cases("forests").Select(c => c.GetProperty("name").GetString()!)];

    [Fact]
    public void The_fixture_holds_every_case()
    {
        Assert.Equal(17, Cases("trees").Count());
        Assert.Equal(4, Cases("forests").Count());
        Assert.Equal("1.2.1", Oracle.Value.RootElement.GetProperty("sklearn").GetString());
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public void A_tree_is_scikit_learns_tree_split_for_split(string name)
    {
        var c = Case("trees", name);
        var x = Matrix(c.GetProperty("x"));
        var y = Numbers(c.GetProperty("y"));
        var weights = c.GetProperty("weights").ValueKind == JsonValueKind.Null ? Enumerable.Repeat(1.0, y.Length).ToArray() : Numbers(c.GetProperty("weights"));
        var depth = c.GetProperty("max_depth").ValueKind == JsonValueKind.Null ? int.MaxValue : c.GetProperty("max_depth").GetInt32();
        var tree = RegressionTree.Grow(new ForestData(x, y), weights, new TreeOptions(c.GetProperty("min_samples_leaf").GetInt32(), depth), new Random(0));
        var theirs = new SklearnTree(c);
        var leaves = c.GetProperty("train_leaves").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(leaves, x.Select(r => theirs.PathOf(r)[^1]));

        Assert.Equal(theirs.Feature.Length, tree.NodeCount);
        var ties = new HashSet<int>();
        var visited = 0;
        Pair(0, 0, [.. Enumerable.Range(0, x.Length).Where(r => weights[r] > 0)]);
        Assert.Equal(tree.NodeCount, visited);

        // New rows: the same prediction wherever the path meets no tie.
        var test = Matrix(c.GetProperty("x_test"));
        var expected = Numbers(c.GetProperty("predictions"));
        var compared = 0;
        for (var i = 0; i < test.Length; i++)
        {
            if (PathOf(tree, test[i]).Any(ties.Contains))
            {
                continue;
            }

            compared++;
            var got = tree.Predict(test[i]);
            Assert.True(Math.Abs(got - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{name}, row {i}: {got} vs scikit-learn {expected[i]}");
        }

        // Full-depth trees end in many two-row nodes, where every feature that separates the two rows is a tie.
        Assert.True(compared >= 10, $"{name}: only {compared} of {test.Length} new rows avoid the {ties.Count} tied nodes");

        // Our node o and scikit-learn's node s hold the same training rows; so must their children.
        void Pair(int o, int s, List<int> rows)
        {
            visited++;
            var node = tree.NodeAt(o);
            Assert.True(Math.Abs(node.Value - theirs.Value[s]) <= 1e-12 * Math.Max(1, Math.Abs(theirs.Value[s])),
                $"{name}, node {o}: value {node.Value} vs scikit-learn {theirs.Value[s]} (its node {s})");
            Assert.True((node.Feature < 0) == (theirs.Feature[s] < 0), $"{name}, node {o}: a leaf on one side only (scikit-learn's node {s})");
            if (node.Feature < 0)
            {
                return;
            }

            var left = rows.Where(r => x[r][node.Feature] <= node.Threshold).ToList();
            var right = rows.Except(left).ToList();
            var theirLeft = rows.Where(r => x[r][theirs.Feature[s]] <= theirs.Threshold[s]).ToList();
            if (node.Feature == theirs.Feature[s])
            {
                Assert.True(node.Threshold == theirs.Threshold[s], $"{name}, node {o}: threshold {node.Threshold} vs scikit-learn {theirs.Threshold[s]}");
                Pair(node.Left, theirs.Left[s], left);
                Pair(node.Right, theirs.Right[s], right);
                return;
            }

            // Another feature is allowed only where it splits the rows into the same two sets, either way round: the two
            // splits are exactly as good, and scikit-learn took the one its random feature order met first.
            ties.Add(o);
            var same = left.SequenceEqual(theirLeft);
            Assert.True(same || right.SequenceEqual(theirLeft),
                $"{name}, node {o}: splits on {node.Feature} at {node.Threshold}; scikit-learn on {theirs.Feature[s]} at {theirs.Threshold[s]}, a different split of its {rows.Count} rows");
            Pair(node.Left, same ? theirs.Left[s] : theirs.Right[s], left);
            Pair(node.Right, same ? theirs.Right[s] : theirs.Left[s], right);
        }
    }

    /// <summary>The nodes a row passes from the root to its leaf.</summary>
    private static List<int> PathOf(RegressionTree tree, float[] row)
    {
        var path = new List<int> { 0 };
        for (var node = tree.NodeAt(0); node.Feature >= 0; node = tree.NodeAt(path[^1]))
        {
            path.Add(row[node.Feature] <= node.Threshold ? node.Left : node.Right);
        }

        return path;
    }

    /// <summary>scikit-learn's tree as the fixture records it (its <c>tree_</c> arrays).</summary>
    private sealed class SklearnTree(JsonElement c)
    {
        public int[] Feature { get; } = [.. c.GetProperty("node_features").EnumerateArray().Select(e => e.GetInt32())];

        public double[] Threshold { get; } = [.. c.GetProperty("node_thresholds").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble())];

        public double[] Value { get; } = Numbers(c.GetProperty("node_values"));

        public int[] Left { get; } = [.. c.GetProperty("node_left").EnumerateArray().Select(e => e.GetInt32())];

        public int[] Right { get; } = [.. c.GetProperty("node_right").EnumerateArray().Select(e => e.GetInt32())];

        public List<int> PathOf(float[] row)
        {
            var path = new List<int> { 0 };
            while (Feature[path[^1]] >= 0)
            {
                var s = path[^1];
                path.Add(row[Feature[s]] <= Threshold[s] ? Left[s] : Right[s]);
            }

            return path;
        }
    }

    [Theory]
    [MemberData(nameof(Forests))]
    public void A_forest_explains_and_ranks_as_scikit_learns_forest_does(string name)
    {
        var c = Case("forests", name);
        var x = Matrix(c.GetProperty("x"));
        var y = Numbers(c.GetProperty("y"));
        var splits = c.GetProperty("splits").GetInt32();
        var fit = ForestImportance.Fit(x, y, new ImpactOptions { Repeats = splits, Trees = 50, HoldOut = 0.25 });
        Assert.Equal(c.GetProperty("held_out").GetInt32(), fit.HeldOutRuns);

        var theirR2 = Numbers(c.GetProperty("r2_per_split"));
        Assert.True(Agree(fit.R2, theirR2, 0.01, out var why), $"{name}: held-out R² {why}");

        var theirs = c.GetProperty("importance_per_split").EnumerateArray().Select(Numbers).ToArray();
        var largest = theirs.Max(t => t.Average());
        for (var j = 0; j < theirs.Length; j++)
        {
            Assert.True(Agree(fit.Importance[j], theirs[j], 0.02 * largest, out why), $"{name}: importance of column {j} {why}");
        }

        // Same order for the columns that matter (more than 5% of the largest importance in scikit-learn's forest).
        var order = Enumerable.Range(0, theirs.Length).Where(j => theirs[j].Average() > 0.05 * largest).ToArray();
        Assert.Equal(order.OrderByDescending(j => theirs[j].Average()), order.OrderByDescending(j => fit.Importance[j].Average()));
    }

    /// <summary>Whether two means over independent splits differ by less than 3 standard errors of their difference plus
    /// <paramref name="slack"/>.</summary>
    private static bool Agree(double[] ours, double[] theirs, double slack, out string why)
    {
        static (double Mean, double Se) Of(double[] v)
        {
            var mean = v.Average();
            return (mean, Math.Sqrt(v.Sum(e => (e - mean) * (e - mean)) / (v.Length - 1) / v.Length));
        }

        var (a, sa) = Of(ours);
        var (b, sb) = Of(theirs);
        var limit = (3 * Math.Sqrt((sa * sa) + (sb * sb))) + slack;
        why = $"{a:G4} ± {sa:G2} vs scikit-learn {b:G4} ± {sb:G2} (difference {Math.Abs(a - b):G3}, allowed {limit:G3})";
        return Math.Abs(a - b) <= limit;
    }

    private static IEnumerable<JsonElement> Cases(string kind) => Oracle.Value.RootElement.GetProperty(kind).EnumerateArray();

    private static JsonElement Case(string kind, string name) => Cases(kind).Single(c => c.GetProperty("name").GetString() == name);

    private static double[] Numbers(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    private static float[][] Matrix(JsonElement e) => [.. e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray())];
}
