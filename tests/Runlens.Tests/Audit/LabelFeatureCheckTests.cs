using System.Text.Json;
using Runlens.Audit;
using Runlens.Audit.Checks;
using Runlens.Audit.Results;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>
/// RL0726 feature-encodes-label against tests/fixtures/oracles/sklearn/label_feature.json (make_label_feature.py there,
/// Debian's python3-sklearn 1.2.1): per column, the per-value rule equals an unlimited DecisionTreeClassifier on that
/// column, the threshold rule equals an exhaustive search over every cut into three intervals (and never scores below
/// the Gini stump); and the audit flags exactly the columns that carry the label (a code, a name per class, a score
/// offset by class) and none of iris' honest measurements or a code with 4% of its values random.
/// </summary>
public sealed class LabelFeatureCheckTests
{
    private static readonly Lazy<JsonElement> Oracle = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "sklearn", "label_feature.json")))).RootElement);

    private static string Table(string name) => Fixtures.Test(Path.Combine("oracles", "sklearn", "label_feature", name));

    [Theory]
    [InlineData("leaky")]
    [InlineData("iris")]
    public void Each_columns_accuracy_equals_sklearns_tree_and_an_exhaustive_search_of_cuts(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Table(name), "train", "train.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var labels = rows.Select(r => r[^1]).ToArray();
        var expected = Oracle.Value.GetProperty("tables").GetProperty(name);
        Assert.Equal(expected.GetProperty("rows").GetInt32(), rows.Length);
        for (var c = 0; c < header.Length - 1; c++)
        {
            var e = expected.GetProperty("columns").GetProperty(header[c]);
            var cells = rows.Select(r => r[c]).ToArray();
            var numeric = e.TryGetProperty("thresholds", out var thresholds);
            var numbers = numeric ? cells.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null;

            // per value: with every value allowed (one row per value is enough), the unlimited tree's training accuracy
            var values = LabelFeatureCheck.Measure(labels, cells, null, minRowsPerValue: 0)!.Value;
            Assert.Equal(e.GetProperty("values").GetDouble(), values.Accuracy, 12);
            Assert.Equal(expected.GetProperty("baseline").GetDouble(), values.Baseline, 12);
            if (numbers is not null)
            {
                var classes = labels.Distinct().Order(StringComparer.Ordinal).ToList();
                var best = LabelFeatureCheck.BestIntervals(numbers, [.. labels.Select(l => classes.IndexOf(l))], 3) / (double)rows.Length;
                Assert.Equal(thresholds.GetDouble(), best, 12);
                Assert.True(best >= e.GetProperty("stump").GetDouble(), $"{header[c]}: the best cut {best} is below sklearn's stump");
            }
        }
    }

    [Fact]
    public async Task The_audit_flags_the_columns_that_carry_the_label_and_nothing_in_iris()
    {
        var leaky = await AuditRunner.RunAsync(Table("leaky"), new AuditOptions());
        var finding = Assert.Single(leaky.Findings, f => f.Rule == "feature-encodes-label");
        Assert.Equal("RL0726", finding.RuleId);
        Assert.Equal(["code", "score", "tier"], finding.Issues.Select(i => i.File.Split(':')[^1]).Order(StringComparer.Ordinal));
        var evidence = Assert.IsType<LabelFeatureEvidence>(finding.Evidence);
        Assert.Equal((1.0, 300, 5, 3), (evidence.Accuracy, evidence.Rows, evidence.Examined, evidence.Count));
        Assert.Equal(Oracle.Value.GetProperty("tables").GetProperty("leaky").GetProperty("baseline").GetDouble(), evidence.Baseline, 12);

        var iris = await AuditRunner.RunAsync(Table("iris"), new AuditOptions());
        Assert.DoesNotContain(iris.Findings, f => f.Rule == "feature-encodes-label");
    }

    [Fact]
    public async Task A_table_under_min_rows_is_not_judged()
    {
        var options = new AuditOptions { Settings = AuditCatalog.ParseSettings(["feature-encodes-label.min_rows=301"]) };
        var leaky = await AuditRunner.RunAsync(Table("leaky"), options);
        Assert.DoesNotContain(leaky.Findings, f => f.Rule == "feature-encodes-label");
    }
}
