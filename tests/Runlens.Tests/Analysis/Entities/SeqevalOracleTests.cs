using System.Text.Json;
using Runlens.Analysis.Entities;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Entities;

/// <summary>
/// Entity metrics against the outputs of the real <c>seqeval</c> 1.2.2 (numpy 1.24.2) in tests/fixtures/oracles/seqeval
/// (copied from the shared oracles; README.md there records how they were made and the semantics). Every number of the
/// report, the micro scores, the token accuracy and the strict IOB2 reports must match bit for bit (the README says the
/// values were reproduced bit-for-bit by an independent implementation), NaN for NaN; the warnings must be the same
/// messages in the same order.
/// </summary>
public sealed class SeqevalOracleTests
{
    private static string Dir => Fixtures.Test(Path.Combine("oracles", "seqeval"));

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var id in CaseIds())
        {
            data.Add(id);
        }

        return data;
    }

    private static string[] CaseIds() =>
        [.. Directory.GetFiles(Dir, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void All_28_oracle_cases_are_present_and_5_have_strict_iob2()
    {
        var ids = CaseIds();
        Assert.Equal(28, ids.Length);
        Assert.Equal(
            ["consecutive_b_same_type", "i_without_b", "perfect_match", "rand_conll_20", "type_switch_inside"],
            ids.Where(id => Load(id).RootElement.TryGetProperty("strict_iob2", out _)).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Default_mode_report_matches_seqeval(string id)
    {
        using var doc = Load(id);
        var root = doc.RootElement;
        var (yTrue, yPred) = Tags(root);

        var report = Seqeval.Report(yTrue, yPred);

        AssertReport(root.GetProperty("report"), report, id);
        AssertBits(root.GetProperty("accuracy"), report.TokenAccuracy, id + " accuracy");
        Assert.Equal(Strings(root.GetProperty("warnings").GetProperty("report")), report.Warnings.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Micro_scores_and_their_warnings_match_precision_recall_f1_score(string id)
    {
        using var doc = Load(id);
        var root = doc.RootElement;
        var (yTrue, yPred) = Tags(root);
        var warnings = root.GetProperty("warnings");

        var p = Seqeval.Precision(yTrue, yPred);
        var r = Seqeval.Recall(yTrue, yPred);
        var f = Seqeval.F1(yTrue, yPred);

        AssertBits(root.GetProperty("precision"), p.Value, id + " precision");
        AssertBits(root.GetProperty("recall"), r.Value, id + " recall");
        AssertBits(root.GetProperty("f1"), f.Value, id + " f1");
        Assert.Equal(Strings(warnings.GetProperty("precision")), p.Warnings.ToArray());
        Assert.Equal(Strings(warnings.GetProperty("recall")), r.Warnings.ToArray());
        Assert.Equal(Strings(warnings.GetProperty("f1")), f.Warnings.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Strict_iob2_matches_seqeval_where_recorded(string id)
    {
        using var doc = Load(id);
        var root = doc.RootElement;
        if (!root.TryGetProperty("strict_iob2", out var strict))
        {
            return;
        }

        var (yTrue, yPred) = Tags(root);
        var report = Seqeval.Report(yTrue, yPred, EntityMode.StrictIob2);

        AssertReport(strict.GetProperty("report"), report, id + " strict");
        AssertBits(strict.GetProperty("precision"), Seqeval.Precision(yTrue, yPred, EntityMode.StrictIob2).Value, id + " strict precision");
        AssertBits(strict.GetProperty("recall"), Seqeval.Recall(yTrue, yPred, EntityMode.StrictIob2).Value, id + " strict recall");
        AssertBits(strict.GetProperty("f1"), Seqeval.F1(yTrue, yPred, EntityMode.StrictIob2).Value, id + " strict f1");
    }

    [Fact]
    public void Strict_iob2_does_not_count_an_i_without_b_as_an_entity()
    {
        string[][] gold = [["O", "B-PER", "I-PER", "O", "B-LOC", "O"], ["I-ORG", "I-ORG", "O"]];
        Assert.Equal(3, Seqeval.Report(gold, gold).Micro.Support);
        Assert.Equal(2, Seqeval.Report(gold, gold, EntityMode.StrictIob2).Micro.Support);
    }

    [Fact]
    public void Strict_iob2_rejects_other_prefixes()
    {
        string[][] tags = [["S-PER", "O"]];
        Assert.Throws<ArgumentException>(() => Seqeval.Report(tags, tags, EntityMode.StrictIob2));
    }

    [Fact]
    public void Ten_type_macro_average_uses_numpys_pairwise_sum_not_a_left_to_right_sum()
    {
        using var doc = Load("rand_10types_60_sum_order");
        var root = doc.RootElement;
        var (yTrue, yPred) = Tags(root);
        var report = Seqeval.Report(yTrue, yPred);
        var naive = report.PerType.Aggregate(0.0, (s, t) => s + t.Scores.F1) / report.PerType.Length;
        var seqeval = root.GetProperty("report").GetProperty("macro avg").GetProperty("f1-score").GetDouble();
        Assert.NotEqual(seqeval, naive);
        Assert.Equal(seqeval, report.Macro.F1);
    }

    [Fact]
    public void Types_sort_by_code_point_like_python_not_by_utf16_unit()
    {
        // U+FF21 (fullwidth A) < U+1F600 as code points; as UTF-16 units the surrogate 0xD83D would sort first
        string[][] tags = [["B-\U0001F600", "O", "B-\uFF21", "O", "B-ORG"]];
        Assert.Equal(["ORG", "\uFF21", "\U0001F600"], Seqeval.Report(tags, tags).PerType.Select(t => t.Type).ToArray());
        Assert.True(string.CompareOrdinal("\U0001F600", "\uFF21") < 0);
    }

    [Fact]
    public void Mismatched_shapes_are_refused()
    {
        string[][] a = [["B-PER", "O"]];
        string[][] b = [["B-PER"]];
        Assert.Throws<ArgumentException>(() => Seqeval.Report(a, b));
        Assert.Throws<ArgumentException>(() => Seqeval.Report(a, [.. a, .. a]));
    }

    private static void AssertReport(JsonElement expected, EntityReport actual, string id)
    {
        var typeRows = expected.EnumerateObject().Where(p => !p.Name.EndsWith(" avg", StringComparison.Ordinal)).ToArray();
        Assert.Equal(typeRows.Select(p => p.Name).ToArray(), actual.PerType.Select(t => t.Type).ToArray());
        foreach (var (row, i) in typeRows.Select((r, i) => (r, i)))
        {
            AssertRow(row.Value, actual.PerType[i].Scores, $"{id} {row.Name}");
        }

        AssertRow(expected.GetProperty("micro avg"), actual.Micro, id + " micro");
        AssertRow(expected.GetProperty("macro avg"), actual.Macro, id + " macro");
        AssertRow(expected.GetProperty("weighted avg"), actual.Weighted, id + " weighted");
    }

    private static void AssertRow(JsonElement expected, EntityScores actual, string what)
    {
        AssertBits(expected.GetProperty("precision"), actual.Precision, what + " precision");
        AssertBits(expected.GetProperty("recall"), actual.Recall, what + " recall");
        AssertBits(expected.GetProperty("f1-score"), actual.F1, what + " f1");
        Assert.Equal(expected.GetProperty("support").GetInt32(), actual.Support);
    }

    private static void AssertBits(JsonElement expected, double actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.String)
        {
            Assert.Equal("NaN", expected.GetString());
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        var e = expected.GetDouble();
        Assert.True(BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {e:R}, got {actual:R}");
    }

    private static JsonDocument Load(string id) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, id + ".json")));

    private static (string[][] True, string[][] Pred) Tags(JsonElement root) =>
        (Sentences(root.GetProperty("y_true")), Sentences(root.GetProperty("y_pred")));

    private static string[][] Sentences(JsonElement e) =>
        [.. e.EnumerateArray().Select(s => s.EnumerateArray().Select(t => t.GetString()!).ToArray())];

    private static string[] Strings(JsonElement e) => [.. e.EnumerateArray().Select(s => s.GetString()!)];
}
