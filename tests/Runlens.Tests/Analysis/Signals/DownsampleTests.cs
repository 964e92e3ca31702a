using System.Collections.Immutable;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>Min/max-per-bucket downsampling: extremes, spikes, non-finite values and endpoints survive; size is bounded.</summary>
public sealed class DownsampleTests
{
    private const int Million = 1_000_000;

    [Fact]
    public void A_million_points_to_a_thousand_keep_the_global_min_and_max()
    {
        var points = Noise(Million, seed: 1);
        var result = Downsample.MinMax(points, 1_000);

        Assert.True(result.Length <= 1_000);
        var values = points.Select(p => p.Value).ToArray();
        Assert.Contains(result, p => p.Value == values.Min());
        Assert.Contains(result, p => p.Value == values.Max());
        AssertOrderedSubsequence(points, result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1_000)]
    [InlineData(1_001)]
    [InlineData(123_457)]
    [InlineData(500_000)]
    [InlineData(999_997)]
    [InlineData(999_998)]
    public void A_single_point_spike_anywhere_survives(int at)
    {
        var up = Noise(Million, seed: at).SetItem(at, new SeriesPoint(at, 1e6));
        var upResult = Downsample.MinMax(up, 1_000);
        Assert.Contains(upResult, p => p.Step == at && p.Value == 1e6);
        Assert.True(upResult.Length <= 1_000);

        var down = Noise(Million, seed: at).SetItem(at, new SeriesPoint(at, -1e6));
        var downResult = Downsample.MinMax(down, 1_000);
        Assert.Contains(downResult, p => p.Step == at && p.Value == -1e6);
        Assert.True(downResult.Length <= 1_000);
    }

    [Fact]
    public void Non_finite_points_survive_within_the_allowance()
    {
        var points = Noise(Million, seed: 7)
            .SetItem(500_000, new SeriesPoint(500_000, double.NaN))
            .SetItem(250_000, new SeriesPoint(250_000, double.PositiveInfinity))
            .SetItem(750_000, new SeriesPoint(750_000, double.NegativeInfinity));
        var result = Downsample.MinMax(points, 1_000);

        Assert.Contains(result, p => p.Step == 500_000 && double.IsNaN(p.Value));
        Assert.Contains(result, p => p.Step == 250_000 && double.IsPositiveInfinity(p.Value));
        Assert.Contains(result, p => p.Step == 750_000 && double.IsNegativeInfinity(p.Value));
        Assert.True(result.Length <= 1_000 + 3);
        AssertOrderedSubsequence(points, result);
    }

    [Fact]
    public void A_series_of_nan_keeps_one_point_per_bucket_and_the_endpoints()
    {
        var points = Enumerable.Range(0, 10_000).Select(i => new SeriesPoint(i, double.NaN)).ToImmutableArray();
        var result = Downsample.MinMax(points, 100);

        Assert.Equal(2 + 49, result.Length);
        Assert.All(result, p => Assert.True(double.IsNaN(p.Value)));
        AssertOrderedSubsequence(points, result);
    }

    [Fact]
    public void The_first_and_last_points_survive()
    {
        var points = Noise(Million, seed: 3);
        var result = Downsample.MinMax(points, 1_000);

        Assert.Equal(points[0], result[0]);
        Assert.Equal(points[^1], result[^1]);
    }

    [Fact]
    public void Non_finite_endpoints_survive()
    {
        var points = Noise(10_000, seed: 4)
            .SetItem(0, new SeriesPoint(0, double.NaN))
            .SetItem(9_999, new SeriesPoint(9_999, double.PositiveInfinity));
        var result = Downsample.MinMax(points, 10);

        Assert.True(double.IsNaN(result[0].Value));
        Assert.True(double.IsPositiveInfinity(result[^1].Value));
        Assert.True(result.Length <= 10);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Monotone_series_keep_their_endpoints(bool increasing)
    {
        var points = Enumerable.Range(0, 100_000)
            .Select(i => new SeriesPoint(i, increasing ? i * 0.5 : -i * 0.5))
            .ToImmutableArray();
        var result = Downsample.MinMax(points, 1_000);

        Assert.Equal(points[0], result[0]);
        Assert.Equal(points[^1], result[^1]);
        Assert.True(result.Length <= 1_000);
        for (var i = 1; i < result.Length; i++)
        {
            Assert.True(increasing ? result[i].Value > result[i - 1].Value : result[i].Value < result[i - 1].Value);
        }
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    [InlineData(4, 4)]
    [InlineData(999, 1_000)]
    [InlineData(1_000, 1_000)]
    public void A_short_series_is_returned_unchanged(int length, int maxPoints)
    {
        var points = Noise(length, seed: 5);
        var result = Downsample.MinMax(points, maxPoints);

        Assert.Equal(points, result);
    }

    [Theory]
    [InlineData(5, 4)]
    [InlineData(7, 5)]
    [InlineData(1_001, 1_000)]
    [InlineData(10_000, 7)]
    [InlineData(100_003, 999)]
    [InlineData(Million, 1_000)]
    public void Output_is_an_ordered_subsequence_within_the_bound(int length, int maxPoints)
    {
        var points = Noise(length, seed: length);
        var result = Downsample.MinMax(points, maxPoints);

        Assert.True(result.Length <= maxPoints, $"{result.Length} points for maxPoints {maxPoints}");
        for (var i = 1; i < result.Length; i++)
        {
            Assert.True(result[i].Step > result[i - 1].Step);
        }

        AssertOrderedSubsequence(points, result);
        var values = points.Select(p => p.Value).ToArray();
        Assert.Contains(result, p => p.Value == values.Min());
        Assert.Contains(result, p => p.Value == values.Max());
    }

    [Fact]
    public void Repeated_steps_keep_their_original_order()
    {
        // steps restart (a resumed run): order is by original index, not by step
        var points = Enumerable.Range(0, 5_000).Select(i => new SeriesPoint(i % 1_000, Math.Sin(i * 0.01))).ToImmutableArray();
        var result = Downsample.MinMax(points, 50);

        AssertOrderedSubsequence(points, result);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Max_points_below_four_is_rejected(int maxPoints) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Downsample.MinMax(Noise(10, seed: 6), maxPoints));

    private static ImmutableArray<SeriesPoint> Noise(int length, int seed)
    {
        var rng = new Random(seed);
        var builder = ImmutableArray.CreateBuilder<SeriesPoint>(length);
        for (var i = 0; i < length; i++)
        {
            builder.Add(new SeriesPoint(i, rng.NextDouble(), i / 1_000.0, 1_700_000_000 + i));
        }

        return builder.MoveToImmutable();
    }

    /// <summary>Every output point occurs in the input after the previous one (strictly increasing original index).</summary>
    private static void AssertOrderedSubsequence(ImmutableArray<SeriesPoint> points, ImmutableArray<SeriesPoint> result)
    {
        var j = 0;
        foreach (var p in result)
        {
            while (j < points.Length && !Same(points[j], p))
            {
                j++;
            }

            Assert.True(j < points.Length, $"point at step {p.Step} is not in order in the input");
            j++;
        }
    }

    // record-struct equality treats NaN as equal to NaN (double.Equals), which is what identity needs here
    private static bool Same(SeriesPoint a, SeriesPoint b) => a.Equals(b);
}
