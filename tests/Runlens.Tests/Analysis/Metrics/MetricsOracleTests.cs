using System.Globalization;
using System.Text.Json;
using Runlens.Analysis.Metrics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Metrics;

/// <summary>
/// Every classification metric against scikit-learn 1.2.1 (tests/fixtures/oracles/sklearn/metrics.json, written by
/// make_metrics.py there with Debian's python3-sklearn), to 1e-9 (relative above 1).
/// </summary>
public sealed class MetricsOracleTests
{
    private static readonly Lazy<JsonDocument> Oracle = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "sklearn", "metrics.json")))));

    private static readonly Dictionary<string, string> SklearnWarningKeys = new(StringComparer.Ordinal)
    {
        ["balanced_accuracy"] = "balanced_accuracy",
        ["precision_macro"] = "precision", ["precision_weighted"] = "precision",
        ["recall_macro"] = "recall", ["recall_weighted"] = "recall",
        ["f1_macro"] = "f1", ["f1_weighted"] = "f1",
        ["top_k_2"] = "top_k_accuracy", ["top_k_3"] = "top_k_accuracy",
        ["roc_auc"] = "roc_auc", ["average_precision"] = "average_precision", ["cohen_kappa"] = "cohen_kappa",
    };

    public static TheoryData<string> Cases() =>
        new(Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Fact]
    public void The_oracle_has_at_least_40_cases_from_sklearn_1_2_1()
    {
        Assert.Equal("1.2.1", Oracle.Value.RootElement.GetProperty("sklearn").GetString());
        Assert.True(Oracle.Value.RootElement.GetProperty("cases").GetArrayLength() >= 40);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counting_metrics_match_sklearn(string name)
    {
        var (c, r) = Run(name);
        Close(c, "accuracy", r.Accuracy);
        Close(c, "balanced_accuracy", r.BalancedAccuracy);
        Close(c, "mcc", r.MatthewsCorrelation);
        Close(c, "cohen_kappa", r.CohenKappa);
        foreach (var (key, score) in new[] { ("precision", r.Precision), ("recall", r.Recall), ("f1", r.F1) })
        {
            var e = c.GetProperty(key);
            Close(e, "macro", score.Macro, key);
            Close(e, "weighted", score.Weighted, key);
            Close(e, "micro", score.Micro, key);
        }

        var pc = c.GetProperty("per_class");
        for (var k = 0; k < r.PerClass.Count; k++)
        {
            var s = r.PerClass[k];
            Close(Number(pc.GetProperty("precision")[k]), s.Precision, $"precision[{k}]");
            Close(Number(pc.GetProperty("recall")[k]), s.Recall, $"recall[{k}]");
            Close(Number(pc.GetProperty("f1")[k]), s.F1, $"f1[{k}]");
            Close(Number(pc.GetProperty("specificity")[k]), s.Specificity, $"specificity[{k}]");
            Assert.Equal(pc.GetProperty("support")[k].GetInt64(), s.Support);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Confusion_matrices_match_sklearn(string name)
    {
        var (c, r) = Run(name);
        var k = r.Classes.Count;
        for (var t = 0; t < k; t++)
        {
            for (var p = 0; p < k; p++)
            {
                Assert.Equal(c.GetProperty("confusion_matrix")[t][p].GetInt64(), r.Confusion.Counts[t][p]);
                Close(Number(c.GetProperty("confusion_true")[t][p]), r.Confusion.ByTrue[t][p], "by true");
                Close(Number(c.GetProperty("confusion_pred")[t][p]), r.Confusion.ByPredicted[t][p], "by predicted");
                Close(Number(c.GetProperty("confusion_all")[t][p]), r.Confusion.ByAll[t][p], "by all");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Probability_metrics_match_sklearn_or_are_null_where_it_has_none(string name)
    {
        var (c, r) = Run(name);
        if (c.GetProperty("prob_counts").ValueKind == JsonValueKind.Null)
        {
            Assert.All(new[] { r.TopK2Accuracy, r.TopK3Accuracy, r.RocAucBinary, r.RocAucMacro, r.RocAucWeighted, r.AveragePrecisionMacro,
                r.LogLoss, r.Brier, r.EntropyMean, r.ExpectedCalibrationError }, v => Assert.Null(v));
            Assert.All(r.PerClass, s => Assert.Null(s.AveragePrecision));
            return;
        }

        Close(c.GetProperty("top_k"), "2", r.TopK2Accuracy, "top-2");
        Close(c.GetProperty("top_k"), "3", r.TopK3Accuracy, "top-3");
        Close(c.GetProperty("roc_auc"), "binary", r.RocAucBinary, "roc_auc");
        Close(c.GetProperty("roc_auc"), "macro", r.RocAucMacro, "roc_auc");
        Close(c.GetProperty("roc_auc"), "weighted", r.RocAucWeighted, "roc_auc");
        Close(c.GetProperty("average_precision"), "macro", r.AveragePrecisionMacro, "average_precision");
        for (var k = 0; k < r.PerClass.Count; k++)
        {
            Close(Number(c.GetProperty("average_precision").GetProperty("per_class")[k]), r.PerClass[k].AveragePrecision!.Value, $"ap[{k}]");
        }

        Close(c, "log_loss", r.LogLoss);
        Close(c, "brier", r.Brier);
        Close(c, "entropy_mean", r.EntropyMean);
        Close(c, "ece", r.ExpectedCalibrationError);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Warnings_name_the_metrics_sklearn_warned_about(string name)
    {
        var (c, r) = Run(name);
        var expected = c.GetProperty("sklearn_warnings").EnumerateObject()
            .Where(p => SklearnWarningKeys.ContainsKey(p.Name)).Select(p => SklearnWarningKeys[p.Name])
            .ToHashSet(StringComparer.Ordinal);
        var actual = r.Warnings.Select(w => w.Metric).Where(m => m != "specificity").ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    internal static (JsonElement Case, ClassificationMetricsResult Result) Run(string name)
    {
        var c = Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var k = c.GetProperty("n_classes").GetInt32();
        var classes = Enumerable.Range(0, k).Select(i => "c" + i.ToString("D2", CultureInfo.InvariantCulture)).ToArray();
        var y = c.GetProperty("y_true").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var p = c.GetProperty("y_pred").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        double[]? probs = null;
        if (c.GetProperty("prob_counts").ValueKind != JsonValueKind.Null)
        {
            double total = c.GetProperty("prob_total").GetInt64();
            probs = c.GetProperty("prob_counts").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetInt64() / total)).ToArray();
        }

        return (c, ClassificationMetrics.Compute(ClassificationInput.Create(classes, y, p, probs)));
    }

    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => double.Parse(e.GetString()!, CultureInfo.InvariantCulture),
        _ => e.GetDouble(),
    };

    private static void Close(JsonElement parent, string property, double? actual, string? context = null) =>
        Close(Number(parent.GetProperty(property)), actual, context is null ? property : $"{context}.{property}");

    private static void Close(double? expected, double? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: sklearn has no value, got {actual:R}");
            return;
        }

        Assert.True(actual is not null, $"{what}: expected {expected:R}, got null");
        if (double.IsNaN(expected.Value))
        {
            Assert.True(double.IsNaN(actual.Value), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected.Value));
        Assert.True(Math.Abs(expected.Value - actual.Value) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
