using System.Numerics;
using Runlens.Audit.Hashing;

namespace Runlens.Tests.Audit;

/// <summary>The multi-index Hamming search finds exactly the pairs an all-pairs comparison finds.</summary>
public sealed class HammingIndexTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void The_index_finds_the_same_pairs_as_comparing_every_pair(int maxDistance)
    {
        // 6,000 hashes (above the size where the index replaces brute force): random ones, and planted near copies
        var rng = new Random(42);
        var hashes = new ulong[6000];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = i % 3 == 2 ? Flip(hashes[i - 1], rng.Next(0, 12), rng) : (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
        }

        var expected = new List<(int, int, int)>();
        for (var i = 0; i < hashes.Length; i++)
        {
            for (var j = i + 1; j < hashes.Length; j++)
            {
                var d = BitOperations.PopCount(hashes[i] ^ hashes[j]);
                if (d <= maxDistance)
                {
                    expected.Add((i, j, d));
                }
            }
        }

        Assert.True(expected.Count > 100, $"{expected.Count} pairs planted");
        Assert.Equal(expected, new HammingIndex(hashes).Pairs(maxDistance));
    }

    private static ulong Flip(ulong h, int bits, Random rng)
    {
        for (var k = 0; k < bits; k++)
        {
            h ^= 1UL << rng.Next(64);
        }

        return h;
    }
}
