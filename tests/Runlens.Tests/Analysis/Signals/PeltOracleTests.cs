using System.Text.Json;
using Runlens.Analysis.Signals.ChangePoints;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>
/// PELT against the outputs of the real <c>ruptures</c> 1.1.10 library (tests/fixtures/oracles/ruptures, copied from the
/// shared oracles; README.md there records how they were made): the same breakpoints, the same median-heuristic γ, and
/// the same refusal when the signal is shorter than min_size. rbf_long.jsonl holds longer RBF signals (2,500–12,000
/// samples), answered by ruptures' procedure written out over numpy and scipy (make_rbf_long.py, which first replays every
/// case of rbf.jsonl exactly), since ruptures cannot be installed here.
/// </summary>
public sealed class PeltOracleTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in new[] { "l2.jsonl", "rbf.jsonl", "rbf_long.jsonl" })
        {
            foreach (var line in File.ReadLines(OraclePath(file)))
            {
                using var doc = JsonDocument.Parse(line);
                data.Add(file + "#" + doc.RootElement.GetProperty("id").GetString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Breakpoints_match_ruptures(string caseId)
    {
        var (file, id) = (caseId.Split('#')[0], caseId.Split('#')[1]);
        var line = File.ReadLines(OraclePath(file)).Single(l => l.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var signal = ReadSignal(root);
        var cost = root.GetProperty("model").GetString() == "rbf" ? (ISegmentCost)new RbfCost() : new L2Cost();
        var options = new PeltOptions(
            root.GetProperty("pen").GetDouble(), root.GetProperty("min_size").GetInt32(), root.GetProperty("jump").GetInt32());

        var error = root.GetProperty("error");
        if (error.ValueKind == JsonValueKind.String)
        {
            Assert.Equal("BadSegmentationParameters", error.GetString());
            Assert.Throws<SegmentationException>(() => Pelt.Detect(signal, cost, options));
        }
        else
        {
            var expected = root.GetProperty("breakpoints").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(expected, Pelt.Detect(signal, cost, options).ToArray());
        }

        if (cost is RbfCost rbf)
        {
            // γ is computed at fit, before predict refuses, so the error cases record it too.
            Assert.Equal(root.GetProperty("gamma").GetDouble(), rbf.Gamma, 12);
        }
    }

    [Fact]
    public void Default_penalty_is_the_oracles_3logn_var_rule()
    {
        var checkedCases = 0;
        foreach (var line in File.ReadLines(OraclePath("l2.jsonl")).Concat(File.ReadLines(OraclePath("rbf.jsonl"))))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("pen_rule", out var rule) && rule.GetString() == "3logn_var")
            {
                var expected = root.GetProperty("pen").GetDouble();
                Assert.Equal(expected, ChangePointSearch.DefaultPenalty(ReadSignal(root)), 1e-9 * Math.Max(1, expected));
                checkedCases++;
            }
        }

        Assert.True(checkedCases >= 5, $"only {checkedCases} oracle cases use the 3logn_var rule");
        var logn = File.ReadLines(OraclePath("rbf.jsonl")).Select(l => JsonDocument.Parse(l))
            .Single(d => d.RootElement.TryGetProperty("pen_rule", out var r) && r.GetString() == "logn").RootElement;
        Assert.Equal((logn.GetProperty("pen").GetDouble(), "logn"), ChangePointSearch.DefaultPenalty(ReadSignal(logn), "rbf"));
    }

    [Fact]
    public void A_signal_without_change_is_one_segment()
    {
        var signal = SignalMatrix.FromValues(Enumerable.Repeat(3.5, 50).ToArray());
        Assert.Equal([50], Pelt.Detect(signal, new L2Cost(), new PeltOptions(1.0)).ToArray());
    }

    [Fact]
    public void A_clear_step_is_found_at_its_index()
    {
        var values = Enumerable.Range(0, 60).Select(i => i < 25 ? 1.0 : 5.0).ToArray();
        Assert.Equal([25, 60], Pelt.Detect(SignalMatrix.FromValues(values), new L2Cost(), new PeltOptions(1.0)).ToArray());
    }

    [Fact]
    public void Non_finite_samples_are_refused_with_their_index()
    {
        var ex = Assert.Throws<ArgumentException>(() => SignalMatrix.FromValues([1, 2, double.NaN, 4]));
        Assert.Contains("sample 2", ex.Message, StringComparison.Ordinal);
    }

    private static string OraclePath(string file) => Fixtures.Test(Path.Combine("oracles", "ruptures", file));

    private static SignalMatrix ReadSignal(JsonElement root)
    {
        var signal = root.GetProperty("signal");
        if (root.GetProperty("d").GetInt32() == 1 && signal.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
        {
            return SignalMatrix.FromValues(signal.EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }

        return SignalMatrix.FromRows(signal.EnumerateArray()
            .Select(row => (IReadOnlyList<double>)row.EnumerateArray().Select(e => e.GetDouble()).ToArray())
            .ToArray());
    }
}
