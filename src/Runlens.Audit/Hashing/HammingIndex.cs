using System.Collections.Concurrent;
using System.Numerics;

namespace Runlens.Audit.Hashing;

/// <summary>
/// Finds 64-bit hashes within a Hamming distance of each other without comparing all pairs: multi-index hashing
/// (Norouzi, Punjani and Fleet, 2012). The hash is cut into three chunks of 22, 21 and 21 bits, each with a bucket
/// table; two hashes within distance <c>r</c> agree within <c>⌊r/3⌋</c> bits on at least one chunk, so a query visits
/// only the buckets that close to its own chunks. Small sets are compared pair by pair.
/// </summary>
internal sealed class HammingIndex
{
    private const int BruteForceBelow = 4096;
    private static readonly int[] Bits = [22, 21, 21];
    private static readonly int[] Shifts = [42, 21, 0];

    private readonly ulong[] _hashes;
    private readonly int[][]? _starts;
    private readonly int[][]? _members;

    public HammingIndex(ulong[] hashes)
    {
        _hashes = hashes;
        if (hashes.Length < BruteForceBelow)
        {
            return;
        }

        _starts = new int[3][];
        _members = new int[3][];
        for (var c = 0; c < 3; c++)
        {
            var starts = new int[(1 << Bits[c]) + 1];
            foreach (var h in hashes)
            {
                starts[Chunk(h, c) + 1]++;
            }

            for (var k = 1; k < starts.Length; k++)
            {
                starts[k] += starts[k - 1];
            }

            var fill = (int[])starts.Clone();
            var members = new int[hashes.Length];
            for (var i = 0; i < hashes.Length; i++)
            {
                members[fill[Chunk(hashes[i], c)]++] = i;
            }

            _starts[c] = starts;
            _members[c] = members;
        }
    }

    public int Count => _hashes.Length;

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>Every pair (i &lt; j) within <paramref name="maxDistance"/>, with its distance, in (i, j) order.</summary>
    public List<(int I, int J, int Distance)> Pairs(int maxDistance)
    {
        var found = new ConcurrentBag<List<(int, int, int)>>();
        Parallel.For(0, _hashes.Length, () => new List<(int, int, int)>(), (i, _, local) =>
        {
            Query(_hashes[i], maxDistance, (j, d) =>
            {
                if (j > i)
                {
                    local.Add((i, j, d));
                }
            });
            return local;
        }, found.Add);
        var all = found.SelectMany(l => l).ToList();
        all.Sort();
        return all;
    }

    /// <summary>Calls <paramref name="onMatch"/> once for each indexed hash within <paramref name="maxDistance"/> of
    /// <paramref name="hash"/>.</summary>
    public void Query(ulong hash, int maxDistance, Action<int, int> onMatch)
    {
        if (_starts is null || _members is null)
        {
            for (var j = 0; j < _hashes.Length; j++)
            {
                var d = Distance(hash, _hashes[j]);
                if (d <= maxDistance)
                {
                    onMatch(j, d);
                }
            }

            return;
        }

        var radius = maxDistance / 3;
        Span<int> flips = stackalloc int[Math.Max(1, radius)];
        for (var c = 0; c < 3; c++)
        {
            var key = Chunk(hash, c);
            Visit(hash, c, key, 0, 0, radius, flips, maxDistance, onMatch);
        }
    }

    /// <summary>Visits the buckets of chunk <paramref name="c"/> within <paramref name="radius"/> flips of
    /// <paramref name="key"/> (flipping bits at positions from <paramref name="from"/> upward).</summary>
    private void Visit(ulong hash, int c, int key, int from, int depth, int radius, Span<int> flips, int maxDistance, Action<int, int> onMatch)
    {
        var starts = _starts![c];
        var members = _members![c];
        for (var k = starts[key]; k < starts[key + 1]; k++)
        {
            var j = members[k];
            var other = _hashes[j];
            var d = Distance(hash, other);
            if (d > maxDistance)
            {
                continue;
            }

            // report each match at the first chunk that finds it
            var earlier = false;
            for (var e = 0; e < c && !earlier; e++)
            {
                earlier = BitOperations.PopCount((uint)(Chunk(hash, e) ^ Chunk(other, e))) <= radius;
            }

            if (!earlier)
            {
                onMatch(j, d);
            }
        }

        if (depth == radius)
        {
            return;
        }

        for (var bit = from; bit < Bits[c]; bit++)
        {
            flips[depth] = bit;
            Visit(hash, c, key ^ (1 << bit), bit + 1, depth + 1, radius, flips, maxDistance, onMatch);
        }
    }

    private static int Chunk(ulong h, int c) => (int)((h >> Shifts[c]) & ((1UL << Bits[c]) - 1));
}
