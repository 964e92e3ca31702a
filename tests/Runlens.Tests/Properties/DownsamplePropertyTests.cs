using System.Collections.Immutable;
using CsCheck;
using Runlens.Analysis.Signals;
using Runlens.Server.Native;

namespace Runlens.Tests.Properties;

/// <summary>The server's one-bucket-at-a-time reduction (a zoomed range of a long series) keeps exactly the points of
/// the in-memory reduction, which keeps each bucket's extremes and first non-finite point.</summary>
public sealed class DownsamplePropertyTests
{
    [Fact]
    public void Reducing_point_by_point_gives_the_points_of_the_in_memory_reduction()
    {
        Gen.Select(Gen.Int[5, 20_000], Gen.Int[4, 600], Gen.Int).Sample((n, max, seed) =>
        {
            if (n <= max)
            {
                return;
            }

            var points = StorePropertyTests.Points(n, seed).ToImmutableArray();
            var reducer = new StreamingMinMax(n, max);
            foreach (var p in points)
            {
                reducer.Add(p);
            }

            var expected = Downsample.MinMax(points, max);
            Assert.Equal(expected.Select(p => p.Step), reducer.Result.Select(p => p.Step));
            var finite = points.Where(p => double.IsFinite(p.Value)).ToList();
            if (finite.Count > 0)
            {
                Assert.Contains(finite.Min(p => p.Value), reducer.Result.Select(p => p.Value));
                Assert.Contains(finite.Max(p => p.Value), reducer.Result.Select(p => p.Value));
            }
        }, iter: 200);
    }
}
