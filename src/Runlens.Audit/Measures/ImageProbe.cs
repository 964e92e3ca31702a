using System.Buffers;
using Runlens.Audit.Hashing;
using SkiaSharp;

namespace Runlens.Audit.Measures;

/// <summary>
/// Decodes an image with Skia (libjpeg-turbo, libpng, libwebp, giflib) and measures it: size, EXIF orientation, the
/// grey image as OpenCV computes it (<c>(9798·R + 19235·G + 3735·B + 16384) &gt;&gt; 15</c>), its mean and standard
/// deviation, the variance of its Laplacian (3×3 kernel, reflected borders: <c>cv2.Laplacian(gray, CV_64F).var()</c>),
/// and its perceptual hash with the hashes of its three rotations. A file Skia cannot decode, or that ends early, gets
/// an error instead of measures; nothing here throws for bad bytes.
/// </summary>
internal static class ImageProbe
{
    /// <summary>Images above this many pixels are decoded at a reduced scale (their blur is measured at that scale).</summary>
    private const long MaxPixels = 40_000_000;

    public static ImageMeasures Measure(byte[] bytes)
    {
        try
        {
            return MeasureCore(bytes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new ImageMeasures(null, $"cannot be decoded ({ex.GetType().Name}: {ex.Message})", null, null, null, null, null, null, null, null);
        }
    }

    private static ImageMeasures MeasureCore(byte[] bytes)
    {
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out var created);
        if (codec is null)
        {
            return new ImageMeasures(null, $"cannot be decoded: {Describe(created)}", null, null, null, null, null, null, null, null);
        }

        var format = codec.EncodedFormat.ToString().ToLowerInvariant();
        var w = codec.Info.Width;
        var h = codec.Info.Height;
        var orientation = (int)codec.EncodedOrigin;
        if (w <= 0 || h <= 0)
        {
            return new ImageMeasures(format, "the header gives no size", w, h, orientation, null, null, null, null, null);
        }

        var dw = w;
        var dh = h;
        if ((long)w * h > MaxPixels)
        {
            var size = codec.GetScaledDimensions((float)Math.Sqrt((double)MaxPixels / ((long)w * h)));
            (dw, dh) = (size.Width, size.Height);
            if ((long)dw * dh > MaxPixels * 2 || dw <= 0 || dh <= 0)
            {
                return new ImageMeasures(format, null, w, h, orientation, null, null, null, null, null);
            }
        }

        var info = new SKImageInfo(dw, dh, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = ArrayPool<byte>.Shared.Rent(dw * dh * 4);
        var gray = ArrayPool<byte>.Shared.Rent(dw * dh);
        try
        {
            SKCodecResult result;
            var pin = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
            try
            {
                result = codec.GetPixels(info, pin.AddrOfPinnedObject());
            }
            finally
            {
                pin.Free();
            }

            if (result is not (SKCodecResult.Success))
            {
                var why = result == SKCodecResult.IncompleteInput
                    ? "truncated: the data ends before the image is complete"
                    : $"corrupt: {Describe(result)}";
                return new ImageMeasures(format, why, w, h, orientation, null, null, null, null, null);
            }

            var n = dw * dh;
            ToGray(rgba.AsSpan(0, n * 4), gray.AsSpan(0, n));
            var g = gray.AsSpan(0, n);
            var (mean, std) = MeanStd(g);
            var blur = LaplacianVariance(g, dw, dh);
            var cells = PerceptualHash.Downsample(g, dw, dh);
            var phash = PerceptualHash.Hash(cells);
            var r90 = PerceptualHash.RotateClockwise(cells);
            var r180 = PerceptualHash.RotateClockwise(r90);
            var r270 = PerceptualHash.RotateClockwise(r180);
            return new ImageMeasures(format, null, w, h, orientation, blur, mean, std, phash,
                [PerceptualHash.Hash(r90), PerceptualHash.Hash(r180), PerceptualHash.Hash(r270)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
            ArrayPool<byte>.Shared.Return(gray);
        }
    }

    private static string Describe(SKCodecResult r) => r switch
    {
        SKCodecResult.IncompleteInput => "the data ends early",
        SKCodecResult.ErrorInInput => "the data is damaged",
        SKCodecResult.InvalidInput => "not an image Skia can read",
        SKCodecResult.Unimplemented => "a format or feature the decoder does not support",
        SKCodecResult.InvalidConversion => "a colour format that cannot be converted",
        _ => r.ToString(),
    };

    /// <summary>OpenCV's fixed-point RGB to grey (COLOR_RGB2GRAY on 8-bit images).</summary>
    internal static void ToGray(ReadOnlySpan<byte> rgba, Span<byte> gray)
    {
        for (int i = 0, j = 0; i < gray.Length; i++, j += 4)
        {
            gray[i] = (byte)(((rgba[j] * 9798) + (rgba[j + 1] * 19235) + (rgba[j + 2] * 3735) + 16384) >> 15);
        }
    }

    internal static (double Mean, double Std) MeanStd(ReadOnlySpan<byte> g)
    {
        long sum = 0;
        long sq = 0;
        foreach (var v in g)
        {
            sum += v;
            sq += v * v;
        }

        var n = (double)g.Length;
        var mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, (sq / n) - (mean * mean))));
    }

    /// <summary>Population variance of the 4-neighbour Laplacian with BORDER_REFLECT_101, exact in integers.</summary>
    internal static double LaplacianVariance(ReadOnlySpan<byte> g, int w, int h)
    {
        long sum = 0;
        long sq = 0;
        for (var y = 0; y < h; y++)
        {
            var up = g.Slice(Reflect(y - 1, h) * w, w);
            var down = g.Slice(Reflect(y + 1, h) * w, w);
            var row = g.Slice(y * w, w);
            // left border
            Add(ref sum, ref sq, up[0] + down[0] + row[Reflect(-1, w)] + row[Reflect(1, w)] - (4 * row[0]));
            // interior: slices of equal length let the JIT drop the bounds checks
            if (w > 2)
            {
                var u = up[1..^1];
                var d = down[1..^1];
                var l = row[..^2];
                var r = row[2..];
                var c = row[1..^1];
                long s1 = 0;
                long s2 = 0;
                for (var x = 0; x < c.Length; x++)
                {
                    var v = u[x] + d[x] + l[x] + r[x] - (4 * c[x]);
                    s1 += v;
                    s2 += v * v;
                }

                sum += s1;
                sq += s2;
            }

            if (w > 1)
            {
                var x = w - 1;
                Add(ref sum, ref sq, up[x] + down[x] + row[Reflect(x - 1, w)] + row[Reflect(x + 1, w)] - (4 * row[x]));
            }
        }

        // n·Σl² − (Σl)² is exact in 128-bit integers, so the variance has one rounding only.
        var n = (Int128)w * h;
        return (double)((n * sq) - ((Int128)sum * sum)) / ((double)n * (double)n);
    }

    private static void Add(ref long sum, ref long sq, int l)
    {
        sum += l;
        sq += l * l;
    }

    /// <summary>OpenCV's BORDER_REFLECT_101 index (gfedcb|abcdefgh|gfedcba).</summary>
    private static int Reflect(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        while (i < 0 || i >= n)
        {
            i = i < 0 ? -i : (2 * n) - i - 2;
        }

        return i;
    }
}
