using System.Collections.Concurrent;
using System.Numerics;

namespace Runlens.Audit.Hashing;

/// <summary>
/// Finds 64-bit hashes within a Hamming distance of each other without comparing all pairs: multi-index hashing
/// (Norouzi, Punjani and Fleet, 2012). The hash is cut into four 16-bit chunks; two hashes within distance <c>r</c>
/// agree within <c>⌊r/4⌋</c> bits on at least one chunk. Each chunk has a table of buckets holding the hashes
/// themselves in bucket order, so a search reads memory in runs: the pairs are found bucket against bucket (a bucket
/// with itself and with the buckets within the radius of its key), each pair reported once, at the first chunk that
/// finds it. Distances up to 7 are the fast case (radius 1). Small sets are compared pair by pair.
/// </summary>
internal sealed class HammingIndex
{
    private const int BruteForceBelow = 4096;
    private const int Chunks = 4;
    private const int Bits = 16;

    private readonly ulong[] _hashes;
    private readonly int[][]? _starts;
    private readonly int[][]? _members;
    private readonly ulong[][]? _bucketHashes;

    public HammingIndex(ulong[] hashes)
    {
        _hashes = hashes;
        if (hashes.Length < BruteForceBelow)
        {
            return;
        }

        _starts = new int[Chunks][];
        _members = new int[Chunks][];
        _bucketHashes = new ulong[Chunks][];
        for (var c = 0; c < Chunks; c++)
        {
            var starts = new int[(1 << Bits) + 1];
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
            var values = new ulong[hashes.Length];
            for (var i = 0; i < hashes.Length; i++)
            {
                var at = fill[Chunk(hashes[i], c)]++;
                members[at] = i;
                values[at] = hashes[i];
            }

            _starts[c] = starts;
            _members[c] = members;
            _bucketHashes[c] = values;
        }
    }

    public int Count => _hashes.Length;

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>Every pair (i &lt; j) within <paramref name="maxDistance"/>, with its distance, in (i, j) order.</summary>
    public List<(int I, int J, int Distance)> Pairs(int maxDistance)
    {
        var found = new ConcurrentBag<List<(int, int, int)>>();
        if (_starts is null)
        {
            Parallel.For(0, _hashes.Length, () => new List<(int, int, int)>(), (i, _, local) =>
            {
                for (var j = i + 1; j < _hashes.Length; j++)
                {
                    var d = Distance(_hashes[i], _hashes[j]);
                    if (d <= maxDistance)
                    {
                        local.Add((i, j, d));
                    }
                }

                return local;
            }, found.Add);
        }
        else
        {
            var radius = maxDistance / Chunks;
            var masks = Masks(radius);
            // one work item per chunk and block of 256 keys
            Parallel.For(0, Chunks * 256, () => new List<(int, int, int)>(), (item, _, local) =>
            {
                var c = item / 256;
                for (var key = (item % 256) * 256; key < ((item % 256) + 1) * 256; key++)
                {
                    foreach (var mask in masks)
                    {
                        var other = key ^ mask;
                        if (other >= key)
                        {
                            Join(c, key, other, maxDistance, radius, local);
                        }
                    }
                }

                return local;
            }, found.Add);
        }

        var all = found.SelectMany(l => l).ToList();
        all.Sort();
        return all;
    }

    /// <summary>Calls <paramref name="onMatch"/> once for each indexed hash within <paramref name="maxDistance"/> of
    /// <paramref name="hash"/>.</summary>
    public void Query(ulong hash, int maxDistance, Action<int, int> onMatch)
    {
        ArgumentNullException.ThrowIfNull(onMatch);
        if (_starts is null || _members is null || _bucketHashes is null)
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

        var radius = maxDistance / Chunks;
        foreach (var c in Enumerable.Range(0, Chunks))
        {
            var own = Chunk(hash, c);
            foreach (var mask in Masks(radius))
            {
                var key = own ^ mask;
                var values = _bucketHashes[c];
                for (int k = _starts[c][key], end = _starts[c][key + 1]; k < end; k++)
                {
                    var d = BitOperations.PopCount(hash ^ values[k]);
                    if (d <= maxDistance && !FoundEarlier(hash, values[k], c, radius))
                    {
                        onMatch(_members[c][k], d);
                    }
                }
            }
        }
    }

    /// <summary>The pairs between bucket <paramref name="a"/> and bucket <paramref name="b"/> of chunk
    /// <paramref name="c"/> (within the bucket when they are the same).</summary>
    private void Join(int c, int a, int b, int maxDistance, int radius, List<(int, int, int)> into)
    {
        var starts = _starts![c];
        var values = _bucketHashes![c];
        var members = _members![c];
        int a0 = starts[a], a1 = starts[a + 1], b0 = starts[b], b1 = starts[b + 1];
        for (var x = a0; x < a1; x++)
        {
            var hx = values[x];
            for (var y = a == b ? x + 1 : b0; y < b1; y++)
            {
                var d = BitOperations.PopCount(hx ^ values[y]);
                if (d <= maxDistance && !FoundEarlier(hx, values[y], c, radius))
                {
                    var (i, j) = (members[x], members[y]);
                    into.Add(i < j ? (i, j, d) : (j, i, d));
                }
            }
        }
    }

    /// <summary>True when an earlier chunk than <paramref name="c"/> is within the radius (that chunk reports the pair).</summary>
    private static bool FoundEarlier(ulong x, ulong y, int c, int radius)
    {
        for (var e = 0; e < c; e++)
        {
            if (BitOperations.PopCount((uint)(Chunk(x, e) ^ Chunk(y, e))) <= radius)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every 16-bit pattern with at most <paramref name="radius"/> bits set.</summary>
    private static int[] Masks(int radius)
    {
        var list = new List<int>();
        for (var m = 0; m < 1 << Bits; m++)
        {
            if (BitOperations.PopCount((uint)m) <= radius)
            {
                list.Add(m);
            }
        }

        return [.. list];
    }

    private static int Chunk(ulong h, int c) => (int)((h >> (Bits * c)) & 0xFFFF);
}
