using Runlens.Audit.Inputs;
using Runlens.Audit.Measures;
using Runlens.Tests.Support;

namespace Runlens.Tests.Audit;

/// <summary>
/// The decoders' error paths: thousands of mutated copies (bit flips, truncations, overwritten and spliced ranges) of
/// real media — JPEG, PNG, WebP, GIF, BMP, WAV, FLAC, Ogg Vorbis, MP3 — are measured; each must come back within a few
/// seconds with measures or a stated error, never an exception, a crash of the process or a hang. Deterministic: the
/// seed and mutation of a failing case are in the message.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int PerFile = 300;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> Seeds => new()
    {
        { "dirty/train/people/p0.jpg", "image" },
        { "dirty/train/people/png_named.jpg", "image" },
        { "dirty/train/people/exif.jpg", "image" },
        { "audio/greeting/greeting1.wav", "audio" },
        { "audio/greeting/fox.flac", "audio" },
        { "audio/number/dog.ogg", "audio" },
        { "audio/number/dog.mp3", "audio" },
    };

    [MediaTheory]
    [MemberData(nameof(Seeds))]
    public async Task Mutated_media_give_measures_or_a_stated_error_and_never_throw_or_hang(string relative, string kind)
    {
        var original = await File.ReadAllBytesAsync(AuditMedia.Path(relative));
        var format = FileKinds.Sniff(original)!;
        var rng = new Random(relative.Length * 7919);
        for (var i = 0; i < PerFile; i++)
        {
            var (bytes, what) = Fuzz.Mutate(original, rng);
            var measure = Task.Run(() => kind == "image" ? ImageProbe.Measure(bytes).Error : AudioProbe.Measure(bytes, FileKinds.Sniff(bytes) ?? format).Error);
            try
            {
                var error = await measure.WaitAsync(Timeout);
                Assert.True(error is null || error.Length > 10, $"case {i} ({what}): an error without a cause: '{error}'");
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{relative} case {i} ({what}): no answer within {Timeout.TotalSeconds} s (hang?)");
            }
        }
    }

    [Fact]
    public void Images_encoded_by_Skia_in_every_format_it_writes_survive_mutation()
    {
        using var bitmap = new SkiaSharp.SKBitmap(96, 64);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 96; x++)
            {
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)(x * 2), (byte)(y * 4), (byte)((x * y) % 255)));
            }
        }

        var rng = new Random(11);
        foreach (var format in new[] { SkiaSharp.SKEncodedImageFormat.Webp, SkiaSharp.SKEncodedImageFormat.Png, SkiaSharp.SKEncodedImageFormat.Jpeg })
        {
            using var data = bitmap.Encode(format, 90);
            var original = data.ToArray();
            Assert.Null(ImageProbe.Measure(original).Error);
            for (var i = 0; i < PerFile; i++)
            {
                var (bytes, what) = Fuzz.Mutate(original, rng);
                var m = ImageProbe.Measure(bytes);
                Assert.True(m.Error is null || m.Error.Length > 10, $"{format} case {i} ({what}): '{m.Error}'");
            }
        }
    }
}
