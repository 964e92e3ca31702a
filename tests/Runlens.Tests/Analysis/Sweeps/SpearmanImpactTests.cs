using System.Text.Json;
using Runlens.Analysis.Sweeps;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Sweeps;

/// <summary>Spearman's rho and p-value against scipy.stats.spearmanr (tests/fixtures/oracles/spearman/spearman.json,
/// written by make_spearman.py): average ranks for ties, Student-t p-value.</summary>
public sealed class SpearmanImpactTests
{
    [Fact]
    public void Rho_and_p_value_match_scipy_including_ties()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "spearman", "spearman.json"))));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(13, cases.Count);
        foreach (var c in cases)
        {
            var x = c.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var y = c.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var r = Spearman.Of(x, y);
            Assert.NotNull(r);
            var name = c.GetProperty("name").GetString();
            Assert.True(Math.Abs(c.GetProperty("rho").GetDouble() - r.Rho) < 1e-12, $"{name}: rho {r.Rho} vs scipy {c.GetProperty("rho").GetDouble()}");
            var p = c.GetProperty("p").GetDouble();
            Assert.True(Math.Abs(p - r.PValue) <= 1e-9 * Math.Max(p, 1e-3), $"{name}: p {r.PValue} vs scipy {p}");
            Assert.Equal(x.Length, r.N);
        }
    }

    [Fact]
    public void Tied_values_share_their_average_rank() =>
        Assert.Equal([1.5, 1.5, 4, 4, 4, 6], Spearman.Ranks([3, 3, 7, 7, 7, 9]));

    [Fact]
    public void A_constant_side_or_fewer_than_three_pairs_has_no_correlation()
    {
        Assert.Null(Spearman.Of([1, 1, 1, 1], [1, 2, 3, 4]));
        Assert.Null(Spearman.Of([1, 2], [2, 1]));
    }
}
