namespace Runlens.Audit.Hashing;

/// <summary>
/// The DCT perceptual hash (pHash, as the <c>imagehash</c> library defines it): the grey image averaged down to 32×32,
/// its 2-D DCT-II, the 8×8 lowest frequencies, one bit per coefficient above their median. Resized, recompressed or
/// slightly edited copies land a few bits apart; unrelated images about 32 apart.
/// </summary>
internal static class PerceptualHash
{
    public const int Size = 32;
    private const int Low = 8;
    private static readonly double[] Cos = BuildCos();

    /// <summary>Averages <paramref name="gray"/> (row-major, <paramref name="width"/>×<paramref name="height"/>) into
    /// a 32×32 grid (each cell the mean of the pixels it covers; small images repeat pixels).</summary>
    public static double[] Downsample(ReadOnlySpan<byte> gray, int width, int height)
    {
        var cells = new double[Size * Size];
        Span<int> x0 = stackalloc int[Size];
        Span<int> x1 = stackalloc int[Size];
        for (var o = 0; o < Size; o++)
        {
            x0[o] = o * width / Size;
            x1[o] = Math.Max(x0[o] + 1, (o + 1) * width / Size);
        }

        for (var oy = 0; oy < Size; oy++)
        {
            var y0 = oy * height / Size;
            var y1 = Math.Max(y0 + 1, (oy + 1) * height / Size);
            for (var ox = 0; ox < Size; ox++)
            {
                long sum = 0;
                for (var y = y0; y < y1; y++)
                {
                    var row = gray.Slice((y * width) + x0[ox], x1[ox] - x0[ox]);
                    foreach (var g in row)
                    {
                        sum += g;
                    }
                }

                cells[(oy * Size) + ox] = (double)sum / ((y1 - y0) * (x1[ox] - x0[ox]));
            }
        }

        return cells;
    }

    /// <summary>The hash of a 32×32 grid.</summary>
    public static ulong Hash(ReadOnlySpan<double> cells)
    {
        // rows: 32 rows × 8 low frequencies; then columns: 8 × 8
        Span<double> rows = stackalloc double[Size * Low];
        for (var y = 0; y < Size; y++)
        {
            var row = cells.Slice(y * Size, Size);
            for (var u = 0; u < Low; u++)
            {
                double s = 0;
                var c = Cos.AsSpan(u * Size, Size);
                for (var x = 0; x < Size; x++)
                {
                    s += row[x] * c[x];
                }

                rows[(y * Low) + u] = s;
            }
        }

        Span<double> coef = stackalloc double[Low * Low];
        for (var v = 0; v < Low; v++)
        {
            var c = Cos.AsSpan(v * Size, Size);
            for (var u = 0; u < Low; u++)
            {
                double s = 0;
                for (var y = 0; y < Size; y++)
                {
                    s += rows[(y * Low) + u] * c[y];
                }

                coef[(v * Low) + u] = s;
            }
        }

        Span<double> sorted = stackalloc double[Low * Low];
        coef.CopyTo(sorted);
        sorted.Sort();
        var median = (sorted[31] + sorted[32]) / 2;
        ulong h = 0;
        for (var i = 0; i < Low * Low; i++)
        {
            if (coef[i] > median)
            {
                h |= 1UL << (63 - i);
            }
        }

        return h;
    }

    /// <summary>The grid turned a quarter clockwise.</summary>
    public static double[] RotateClockwise(ReadOnlySpan<double> cells)
    {
        var r = new double[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                // pixel (x, y) moves to (Size-1-y, x)
                r[(x * Size) + (Size - 1 - y)] = cells[(y * Size) + x];
            }
        }

        return r;
    }

    private static double[] BuildCos()
    {
        var c = new double[Low * Size];
        for (var u = 0; u < Low; u++)
        {
            for (var x = 0; x < Size; x++)
            {
                c[(u * Size) + x] = Math.Cos(Math.PI * ((2 * x) + 1) * u / (2.0 * Size));
            }
        }

        return c;
    }
}
