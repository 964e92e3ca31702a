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
        var masks = Masks(maxDistance / 3);
        Parallel.For(0, _hashes.Length, () => new List<(int, int, int)>(), (i, _, local) =>
        {
            if (_starts is null)
            {
                for (var j = i + 1; j < _hashes.Length; j++)
                {
                    var d = Distance(_hashes[i], _hashes[j]);
                    if (d <= maxDistance)
                    {
                        local.Add((i, j, d));
                    }
                }
            }
            else
            {
                Search(_hashes[i], maxDistance, masks, i, local, null);
            }

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
        ArgumentNullException.ThrowIfNull(onMatch);
        if (_starts is null)
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

        Search(hash, maxDistance, Masks(maxDistance / 3), -1, null, onMatch);
    }

    /// <summary>Visits, in each chunk's table, the buckets within the radius of the hash's chunk (the masks are every
    /// pattern of at most that many bits) and reports each match once: at the first chunk within the radius. With
    /// <paramref name="after"/> ≥ 0 only indices above it are reported (a self-join visits each pair once).</summary>
    private void Search(ulong hash, int maxDistance, int[][] masks, int after, List<(int, int, int)>? into, Action<int, int>? onMatch)
    {
        var radius = maxDistance / 3;
        var hashes = _hashes;
        Span<int> own = stackalloc int[3];
        for (var c = 0; c < 3; c++)
        {
            own[c] = Chunk(hash, c);
        }

        for (var c = 0; c < 3; c++)
        {
            var starts = _starts![c];
            var members = _members![c];
            foreach (var mask in masks[c])
            {
                var key = own[c] ^ mask;
                for (int k = starts[key], end = starts[key + 1]; k < end; k++)
                {
                    var j = members[k];
                    if (j <= after)
                    {
                        continue;
                    }

                    var other = hashes[j];
                    var d = BitOperations.PopCount(hash ^ other);
                    if (d > maxDistance)
                    {
                        continue;
                    }

                    var earlier = false;
                    for (var e = 0; e < c && !earlier; e++)
                    {
                        earlier = BitOperations.PopCount((uint)(own[e] ^ Chunk(other, e))) <= radius;
                    }

                    if (earlier)
                    {
                        continue;
                    }

                    if (into is not null)
                    {
                        into.Add((after, j, d));
                    }
                    else
                    {
                        onMatch!(j, d);
                    }
                }
            }
        }
    }

    /// <summary>Per chunk, every bit pattern with at most <paramref name="radius"/> bits set.</summary>
    private static int[][] Masks(int radius)
    {
        var result = new int[3][];
        for (var c = 0; c < 3; c++)
        {
            var list = new List<int> { 0 };
            var frontier = new List<(int Mask, int Next)> { (0, 0) };
            for (var depth = 0; depth < radius; depth++)
            {
                var next = new List<(int, int)>();
                foreach (var (mask, from) in frontier)
                {
                    for (var bit = from; bit < Bits[c]; bit++)
                    {
                        list.Add(mask | (1 << bit));
                        next.Add((mask | (1 << bit), bit + 1));
                    }
                }

                frontier = next;
            }

            result[c] = [.. list];
        }

        return result;
    }

    private static int Chunk(ulong h, int c) => (int)((h >> Shifts[c]) & ((1UL << Bits[c]) - 1));
}
