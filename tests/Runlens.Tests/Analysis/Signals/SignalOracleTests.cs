using System.Text.Json;
using Runlens.Analysis.Signals;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>
/// EMA, rolling mean/std, Theil–Sen, robust z-scores and improvement rates against pandas, scipy and numpy
/// (tests/fixtures/oracles/signals/signals.json, written by make_signals.py there with Debian's python3 packages).
/// </summary>
public sealed class SignalOracleTests
{
    private static readonly Lazy<JsonDocument> Oracle = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Test(Path.Combine("oracles", "signals", "signals.json")))));

    public static TheoryData<string> Cases() =>
        new(Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ema_matches_pandas_ewm_without_adjustment(string name)
    {
        var c = Case(name);
        AssertClose(Array(c, "ema"), Smoothing.Ema(Array(c, "y"), c.GetProperty("alpha").GetDouble()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rolling_mean_and_std_match_pandas(string name)
    {
        var c = Case(name);
        var window = c.GetProperty("window").GetInt32();
        AssertClose(Array(c, "rolling_mean"), Rolling.Mean(Array(c, "y"), window));
        AssertClose(Array(c, "rolling_std"), Rolling.StdDev(Array(c, "y"), window));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Theil_sen_matches_scipy_theilslopes(string name)
    {
        var c = Case(name);
        var line = Trend.TheilSen(Array(c, "x"), Array(c, "y"));
        AssertClose([c.GetProperty("theil_sen_slope").GetDouble(), c.GetProperty("theil_sen_intercept").GetDouble()],
            [line.Slope, line.Intercept]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Robust_z_matches_scipy_median_abs_deviation(string name)
    {
        var c = Case(name);
        if (c.GetProperty("robust_z").ValueKind != JsonValueKind.Null)
        {
            AssertClose(Array(c, "robust_z"), RobustZ.Scores(Array(c, "y")));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Improvement_rates_match_numpy(string name)
    {
        var c = Case(name);
        AssertClose(Array(c, "improvement_rate"),
            Trend.ImprovementRates(Array(c, "y"), c.GetProperty("greater_is_better").GetBoolean()));
    }

    [Fact]
    public void Robust_z_with_zero_mad_scores_the_odd_value_as_infinite()
    {
        var z = RobustZ.Scores([1, 1, 1, 1, 5]);
        Assert.Equal([0, 0, 0, 0, double.PositiveInfinity], z);
    }

    [Fact]
    public void Theil_sen_is_not_moved_by_one_huge_outlier()
    {
        double[] y = [10, 9, 8, 7, 1000, 5, 4, 3, 2, 1];
        Assert.Equal(-1.0, Trend.TheilSen(y).Slope, 12);
    }

    private static JsonElement Case(string name) =>
        Oracle.Value.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static double[] Array(JsonElement c, string property) =>
        c.GetProperty(property).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : e.GetDouble()).ToArray();

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(actual[i]), $"index {i}: expected NaN, got {actual[i]}");
            }
            else
            {
                var tolerance = 1e-9 * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
