using Runlens.Analysis.Signals;

namespace Runlens.Tests.Analysis;

public sealed class SeriesMathTests
{
    [Fact]
    public void Ranks_share_the_mean_rank_on_ties_as_rankdata_does() =>
        // scipy.stats.rankdata([3, 1, 2, 2]) == [4, 1, 2.5, 2.5]
        Assert.Equal([4, 1, 2.5, 2.5], SeriesMath.Ranks([3, 1, 2, 2]));

    [Fact]
    public void Trend_rank_is_plus_one_for_a_rising_and_minus_one_for_a_falling_series()
    {
        Assert.Equal(1.0, SeriesMath.TrendRank([1, 2, 3, 4, double.NaN, 5]), 12);
        Assert.Equal(-1.0, SeriesMath.TrendRank([.. Enumerable.Range(0, 100_000).Select(i => -i * 0.5)]), 12);
    }

    [Fact]
    public void Best_point_skips_non_finite_values_and_keeps_the_first_of_ties()
    {
        Assert.Equal(1, SeriesMath.ArgBest([double.NaN, 0.5, 0.5, double.NegativeInfinity], greaterIsBetter: false));
        Assert.Equal(-1, SeriesMath.ArgBest([double.NaN], greaterIsBetter: true));
    }

    [Fact]
    public void Median_of_finite_values()
    {
        Assert.Equal(2.5, SeriesMath.Median([4, 1, double.NaN, 2, 3]));
        Assert.True(double.IsNaN(SeriesMath.Median([double.NaN])));
    }
}
