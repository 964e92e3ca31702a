namespace Runlens.Import.Predictions;

/// <summary>
/// For each example id, the row where the same id (ordinal) first occurs, found on every core: each id's hash is computed
/// once, and each core owns the ids whose hash falls in its share, walking the rows in file order through its own
/// open-addressing table, so each row's answer is the one a single dictionary filled in file order gives.
/// </summary>
internal static class FirstOccurrences
{
    /// <summary>A row whose id is empty or white space (not looked up).</summary>
    public const int Blank = -2;

    /// <summary>A row whose id occurs in no earlier row.</summary>
    public const int Unique = -1;

    /// <summary>Per row: <see cref="Blank"/>, <see cref="Unique"/>, or the index of the first earlier row with the same id.</summary>
    public static int[] Of(string[] ids)
    {
        var n = ids.Length;
        var first = new int[n];
        var hashes = new int[n];
        var parts = RowParts.Count(n);
        var owned = new int[parts, parts];
        RowParts.For(n, parts, (part, start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                if (string.IsNullOrWhiteSpace(ids[r]))
                {
                    first[r] = Blank;
                    continue;
                }

                var h = ids[r].GetHashCode();
                hashes[r] = h;
                first[r] = Unique;
                owned[part, Owner(h, parts)]++;
            }
        });

        Parallel.For(0, parts, owner =>
        {
            var count = 0;
            for (var part = 0; part < parts; part++)
            {
                count += owned[part, owner];
            }

            // at most half full: short probe runs
            var slots = new int[(int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count * 2))];
            var mask = slots.Length - 1;
            for (var r = 0; r < n; r++)
            {
                var h = hashes[r];
                if (first[r] == Blank || Owner(h, parts) != owner)
                {
                    continue;
                }

                var i = h & mask;
                while (slots[i] != 0)
                {
                    var s = slots[i] - 1;
                    if (hashes[s] == h && string.Equals(ids[s], ids[r], StringComparison.Ordinal))
                    {
                        first[r] = s;
                        break;
                    }

                    i = (i + 1) & mask;
                }

                if (slots[i] == 0)
                {
                    slots[i] = r + 1;
                }
            }
        });
        return first;
    }

    /// <summary>The part that owns a hash: from its high bits (the table slot comes from its low bits).</summary>
    private static int Owner(int hash, int parts) => (int)(((ulong)(uint)hash * (uint)parts) >> 32);
}
