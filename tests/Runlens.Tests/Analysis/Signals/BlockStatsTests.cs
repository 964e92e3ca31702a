using Runlens.Analysis.Signals;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>The block baselines the outlier rules judge points against, against the plain definition: each block's median
/// of its finite values (<see cref="SeriesMath.Median"/>) and the scaled median of their absolute deviations.</summary>
public sealed class BlockStatsTests
{
    [Theory]
    [InlineData(20, 1)]
    [InlineData(25, 2)]
    [InlineData(2, 3)]
    [InlineData(300, 4)]
    public void Each_block_median_and_mad_are_the_plain_definitions_bit_for_bit(int block, int seed)
    {
        var random = new Random(seed);
        var values = new double[10_007];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(40) switch
            {
                0 => double.NaN,
                1 => double.PositiveInfinity,
                2 => double.NegativeInfinity,
                3 => Math.Round(random.NextDouble() * 4) / 4, // ties
                4 => 1e308 * (random.Next(2) == 0 ? 1 : -1), // deviations that overflow to infinity
                _ => Math.Exp(random.NextDouble() * 10) - 5,
            };
        }

        for (var i = 4000; i < 4000 + (3 * block); i++)
        {
            values[i] = double.NaN; // whole blocks without a finite value
        }

        var stats = new BlockStats(values, block);

        for (var b = 0; b * block < values.Length; b++)
        {
            var slice = values.AsSpan(b * block, Math.Min(block, values.Length - (b * block)));
            var median = SeriesMath.Median(slice);
            var deviations = new double[slice.Length];
            for (var i = 0; i < slice.Length; i++)
            {
                deviations[i] = Math.Abs(slice[i] - median);
            }

            var mad = SeriesMath.Median(deviations) * RobustZ.NormalScale;
            var (m, d) = stats.Before((b + 1) * block);
            Assert.Equal(BitConverter.DoubleToInt64Bits(median), BitConverter.DoubleToInt64Bits(m));
            Assert.Equal(BitConverter.DoubleToInt64Bits(mad), BitConverter.DoubleToInt64Bits(d));
        }

        Assert.True(double.IsNaN(stats.Before(block - 1).Median));
    }

    [Theory]
    [InlineData(20, 5)]
    [InlineData(7, 6)]
    [InlineData(64, 7)]
    [InlineData(65, 8)]
    public void Zero_medians_keep_the_sign_the_framework_sort_gives_them(int block, int seed)
    {
        // Blocks of signed zeros, ties and values of both signs: their medians are often a zero whose sign depends on where
        // the sort puts equal zeros. Each must be what the framework's sort of the block's finite values gave before the
        // blocks were sorted by insertion, bit for bit.
        var random = new Random(seed);
        var values = new double[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(8) switch
            {
                0 or 1 => 0.0,
                2 or 3 => -0.0,
                4 => double.NaN,
                5 => random.Next(2) == 0 ? 0.5 : -0.5,
                _ => (random.NextDouble() - 0.5) * 1e-3,
            };
        }

        var stats = new BlockStats(values, block);
        var zeros = 0;
        for (var b = 0; b * block < values.Length; b++)
        {
            var finite = values.AsSpan(b * block, Math.Min(block, values.Length - (b * block))).ToArray().Where(double.IsFinite).ToArray();
            finite.AsSpan().Sort();
            var mid = finite.Length / 2;
            var median = finite.Length == 0 ? double.NaN : finite.Length % 2 == 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
            zeros += median == 0 ? 1 : 0;
            Assert.Equal(BitConverter.DoubleToInt64Bits(median), BitConverter.DoubleToInt64Bits(stats.Before((b + 1) * block).Median));
        }

        Assert.True(zeros > 10, $"{zeros} zero medians");
    }
}
