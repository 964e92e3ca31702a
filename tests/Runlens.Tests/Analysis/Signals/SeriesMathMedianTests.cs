using Runlens.Analysis.Signals;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>
/// <see cref="SeriesMath.Median"/> of long series (found from a sample first) against the quickselect it used alone
/// before, copied here as the reference: the same double, bit for bit, zero medians of either sign included.
/// </summary>
public sealed class SeriesMathMedianTests
{
    [Theory]
    [InlineData(65_536, 1, "random")]
    [InlineData(65_537, 2, "random")]
    [InlineData(1_000_000, 3, "random")]
    [InlineData(200_001, 4, "ties")]
    [InlineData(200_000, 5, "zeros")]
    [InlineData(131_072, 6, "sorted")]
    [InlineData(131_073, 7, "reversed")]
    [InlineData(100_000, 8, "constant")]
    [InlineData(300_000, 9, "heavy")]
    [InlineData(70_000, 10, "symmetric")]
    [InlineData(100_005, 11, "fewzeros")]
    [InlineData(100_007, 12, "fewzeros")]
    [InlineData(150_003, 13, "fewzeros")]
    [InlineData(99_999, 14, "fewzeros")]
    public void The_median_of_a_long_series_is_the_one_the_plain_quickselect_gives_bit_for_bit(int n, int seed, string shape)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = shape switch
            {
                "ties" => random.Next(7) * 0.25,
                "zeros" => random.Next(3) switch { 0 => 0.0, 1 => -0.0, _ => (random.NextDouble() - 0.5) * 1e-9 },
                "sorted" => i * 0.001,
                "reversed" => (n - i) * 0.001,
                "constant" => 2.5,
                "heavy" => Math.Exp(random.NextDouble() * 40) * (random.Next(2) == 0 ? 1 : -1),
                "symmetric" => i % 2 == 0 ? 1.0 : -1.0, // an even count: the middle pair is -1 and 1, the median +0
                // as many values below zero as above, and a few zeros of both signs in the middle: a zero median whose
                // sign depends on where the selection leaves the zeros
                "fewzeros" => i < 12 ? (i % 2 == 0 ? 0.0 : -0.0) : (random.NextDouble() + 1e-6) * (i % 2 == 0 ? 1 : -1),
                _ => random.NextDouble() * 3,
            };

            if (shape != "fewzeros" && random.Next(50) == 0)
            {
                values[i] = random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
            }
        }

        var expected = ReferenceMedian(values);
        var actual = SeriesMath.Median(values);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
    }

    /// <summary>The median as SeriesMath gave it before: the finite values copied, Hoare's quickselect with
    /// median-of-three pivots for the upper middle, the largest value left of it for the lower middle.</summary>
    private static double ReferenceMedian(double[] values)
    {
        var a = values.Where(double.IsFinite).ToArray();
        if (a.Length == 0)
        {
            return double.NaN;
        }

        var mid = a.Length / 2;
        var upper = Select(a, mid);
        if (a.Length % 2 == 1)
        {
            return upper;
        }

        var lower = double.NegativeInfinity;
        foreach (var v in a.AsSpan(0, mid))
        {
            lower = Math.Max(lower, v);
        }

        return (lower + upper) / 2;
    }

    private static double Select(double[] a, int k)
    {
        var lo = 0;
        var hi = a.Length - 1;
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) / 2);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            var pivot = a[mid];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return a[k];
    }
}
