using Runlens.Analysis.Signals.ChangePoints;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>
/// The RBF cost without a kernel table: the median heuristic selected without holding the pairs equals the median of all
/// pairs written out and sorted, and PELT's incremental block sums give the breakpoints of the cost summed directly.
/// </summary>
public sealed class RbfCostTests
{
    public static TheoryData<int, int, int> Signals() => new()
    {
        { 1, 2, 1 },
        { 2, 3, 1 },
        { 3, 4, 2 },
        { 4, 37, 1 },
        { 5, 400, 1 },
        { 6, 402, 1 },
        { 7, 300, 2 },
        { 8, 120, 5 },
    };

    [Theory]
    [MemberData(nameof(Signals))]
    public void The_median_of_the_squared_distances_is_the_middle_of_every_pair_sorted(int seed, int n, int d)
    {
        var signal = Noisy(seed, n, d, ties: seed % 2 == 0);
        var all = new List<double>();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var d2 = 0.0;
                for (var c = 0; c < d; c++)
                {
                    var diff = signal[i, c] - signal[j, c];
                    d2 += diff * diff;
                }

                all.Add(d2);
            }
        }

        all.Sort();
        var m = all.Count;
        var expected = m % 2 == 1 ? all[m / 2] : (all[(m / 2) - 1] + all[m / 2]) / 2;
        Assert.Equal(expected, PairwiseMedian.OfSquaredDistances(signal));
    }

    [Fact]
    public void A_constant_signal_has_median_zero_and_gamma_one()
    {
        var signal = SignalMatrix.FromValues(Enumerable.Repeat(2.5, 5000).ToArray());
        Assert.Equal(0, PairwiseMedian.OfSquaredDistances(signal));
        var cost = new RbfCost();
        cost.Fit(signal);
        Assert.Equal(1.0, cost.Gamma);
    }

    [Theory]
    [InlineData(11, 450, 1, 2, 1)]
    [InlineData(12, 1500, 1, 5, 5)]
    [InlineData(13, 700, 3, 3, 2)]
    [InlineData(14, 400, 1, 1, 1)]
    public void Incremental_block_sums_give_the_breakpoints_of_the_direct_cost(int seed, int n, int d, int minSize, int jump)
    {
        var signal = Steps(seed, n, d);
        var options = new PeltOptions(Math.Log(n), minSize, jump);
        var incremental = Pelt.Detect(signal, new RbfCost(), options);
        var direct = Pelt.Detect(signal, new Direct(new RbfCost()), options);
        Assert.Equal(direct.ToArray(), incremental.ToArray());
        Assert.True(incremental.Length > 2, "the signal's steps should be found");
    }

    [Fact]
    public void A_signal_far_longer_than_a_kernel_table_allows_is_segmented()
    {
        // 60,000 samples: a dense table would take 60,000² doubles (27 GiB)
        var signal = Steps(21, 60_000, 1);
        var breakpoints = Pelt.Detect(signal, new RbfCost(), new PeltOptions(Math.Log(60_000), 2, 5));
        Assert.Equal(60_000, breakpoints[^1]);
        Assert.InRange(breakpoints.Length, 20, 80);
    }

    /// <summary>Hides the RBF cost's type so that PELT takes its generic path, which calls <see cref="ISegmentCost.Cost"/>.</summary>
    private sealed class Direct(ISegmentCost inner) : ISegmentCost
    {
        public string Name => inner.Name;

        public void Fit(SignalMatrix signal) => inner.Fit(signal);

        public double Cost(int start, int end) => inner.Cost(start, end);
    }

    private static SignalMatrix Noisy(int seed, int n, int d, bool ties)
    {
        var random = new Random(seed);
        var rows = new IReadOnlyList<double>[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = Enumerable.Range(0, d).Select(_ => ties ? Math.Round(random.NextDouble() * 4) : (random.NextDouble() * 10) - 5).ToArray();
        }

        return SignalMatrix.FromRows(rows);
    }

    /// <summary>Piecewise-constant levels (about 40, at least 60 samples each) with Gaussian noise.</summary>
    private static SignalMatrix Steps(int seed, int n, int d)
    {
        var random = new Random(seed);
        var rows = new IReadOnlyList<double>[n];
        var level = new double[d];
        var next = 0;
        for (var i = 0; i < n; i++)
        {
            if (i == next)
            {
                for (var c = 0; c < d; c++)
                {
                    level[c] = random.Next(-4, 5) * 1.5;
                }

                next += Math.Max(n / 40, 60) + random.Next(40);
            }

            rows[i] = level.Select(v => v + Gaussian(random)).ToArray();
        }

        return SignalMatrix.FromRows(rows);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
