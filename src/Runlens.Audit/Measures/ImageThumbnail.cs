using SkiaSharp;

namespace Runlens.Audit.Measures;

/// <summary>A small JPEG preview of an image, as a data URI, for the HTML report (as stored: no EXIF rotation applied,
/// which is what a training loader sees).</summary>
internal static class ImageThumbnail
{
    private const int MaxSide = 128;

    public static string? DataUri(string path)
    {
        try
        {
            using var bitmap = SKBitmap.Decode(path);
            if (bitmap is null || bitmap.Width <= 0 || bitmap.Height <= 0)
            {
                return null;
            }

            var scale = Math.Min(1.0, (double)MaxSide / Math.Max(bitmap.Width, bitmap.Height));
            var info = new SKImageInfo(Math.Max(1, (int)Math.Round(bitmap.Width * scale)), Math.Max(1, (int)Math.Round(bitmap.Height * scale)));
            using var small = bitmap.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            if (small is null)
            {
                return null;
            }

            using var image = SKImage.FromBitmap(small);
            using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 80);
            return "data:image/jpeg;base64," + Convert.ToBase64String(jpeg.ToArray());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
