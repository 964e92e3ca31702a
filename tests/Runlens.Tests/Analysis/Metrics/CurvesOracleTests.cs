using System.Globalization;
using System.Text.Json;
using Runlens.Analysis.Metrics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Metrics;

/// <summary>
/// Per-class ROC and precision-recall curves against scikit-learn 1.2.1's <c>roc_curve</c> and
/// <c>precision_recall_curve</c> (tests/fixtures/oracles/sklearn/curves.json, written by make_curves.py there from the
/// inputs of metrics.json): every point and threshold exactly (the same float64 divisions), and a curve longer than
/// <see cref="ClassCurves.MaxPoints"/> thinned to scikit-learn's own points at evenly spaced positions.
/// </summary>
public sealed class CurvesOracleTests
{
    private static readonly Lazy<JsonDocument> Inputs = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "sklearn", "metrics.json")))));

    private static readonly Lazy<JsonDocument> Oracle = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "sklearn", "curves.json")))));

    public static TheoryData<string> Cases() =>
        new(Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Fact]
    public void The_oracle_comes_from_sklearn_1_2_1_and_covers_binary_multiclass_and_thinned_curves()
    {
        Assert.Equal("1.2.1", Oracle.Value.RootElement.GetProperty("sklearn").GetString());
        var curves = Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().SelectMany(c => c.GetProperty("curves").EnumerateObject()).ToList();
        Assert.True(curves.Count >= 100, $"{curves.Count} class curves");
        Assert.Contains(curves, c => c.Value.GetProperty("precision").GetArrayLength() > ClassCurves.MaxPoints);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_class_curve_matches_sklearn(string name)
    {
        var input = Inputs.Value.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var expected = Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("curves");
        var k = input.GetProperty("n_classes").GetInt32();
        var classes = Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        double total = input.GetProperty("prob_total").GetInt64();
        var probabilities = input.GetProperty("prob_counts").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetInt64() / total)).ToArray();
        var y = input.GetProperty("y_true").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var predicted = input.GetProperty("y_pred").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var curves = ClassCurves.Of(ClassificationInput.Create(classes, y, predicted, probabilities)).ToDictionary(c => c.Class);

        // a class that is every example's label, or none's, has no curve (scikit-learn's ROC is undefined there)
        var present = Enumerable.Range(0, k).Where(c => y.Contains(c) && y.Any(v => v != c)).Select(c => classes[c]).ToHashSet();
        Assert.Equal(present.Order(), curves.Keys.Order());
        foreach (var oracle in expected.EnumerateObject())
        {
            var c = curves[oracle.Name];
            var e = oracle.Value;
            var what = $"{name} class {oracle.Name}";
            Assert.Equal(e.GetProperty("positives").GetInt64(), c.Positives);
            Assert.Equal(e.GetProperty("negatives").GetInt64(), c.Negatives);
            var rocLength = e.GetProperty("fpr").GetArrayLength();
            var prLength = e.GetProperty("precision").GetArrayLength();
            Assert.Equal((rocLength, prLength), (c.RocPoints, c.PrPoints));

            var roc = Positions(rocLength, ClassCurves.MaxPoints);
            Same(e, "fpr", roc, c.Fpr, what);
            Same(e, "tpr", roc, c.Tpr, what);
            Same(e, "roc_thresholds", roc, c.RocThresholds, what);
            // the precision-recall curve keeps its final (recall 0, precision 1) point, which has no threshold
            var pr = Positions(prLength - 1, ClassCurves.MaxPoints - 1).Append(prLength - 1).ToArray();
            Same(e, "precision", pr, c.Precision, what);
            Same(e, "recall", pr, c.Recall, what);
            Same(e, "pr_thresholds", pr[..^1], c.PrThresholds, what);
        }
    }

    /// <summary>All positions of a curve this long, or <paramref name="max"/> evenly spaced ones (first and last kept).</summary>
    private static int[] Positions(int length, int max) => length <= max
        ? [.. Enumerable.Range(0, length)]
        : [.. Enumerable.Range(0, max).Select(i => (int)Math.Round((double)i * (length - 1) / (max - 1), MidpointRounding.AwayFromZero))];

    private static void Same(JsonElement oracle, string property, int[] positions, IReadOnlyList<double> actual, string what)
    {
        var values = oracle.GetProperty(property).EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
            ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble()).ToArray();
        Assert.True(positions.Length == actual.Count, $"{what}: {property} has {actual.Count} points, expected {positions.Length}");
        for (var i = 0; i < positions.Length; i++)
        {
            Assert.True(values[positions[i]].Equals(actual[i]), $"{what}: {property}[{positions[i]}] is {actual[i]:R}, sklearn {values[positions[i]]:R}");
        }
    }
}
