namespace Runlens.Audit.Inputs;

/// <summary>Which extensions the audit reads, and the format a file's first bytes say it is.</summary>
internal static class FileKinds
{
    private static readonly Dictionary<string, (ExampleKind Kind, string Format)> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = (ExampleKind.Image, "jpeg"),
        [".jpeg"] = (ExampleKind.Image, "jpeg"),
        [".jpe"] = (ExampleKind.Image, "jpeg"),
        [".png"] = (ExampleKind.Image, "png"),
        [".gif"] = (ExampleKind.Image, "gif"),
        [".bmp"] = (ExampleKind.Image, "bmp"),
        [".webp"] = (ExampleKind.Image, "webp"),
        [".tif"] = (ExampleKind.Image, "tiff"),
        [".tiff"] = (ExampleKind.Image, "tiff"),
        [".wav"] = (ExampleKind.Audio, "wav"),
        [".flac"] = (ExampleKind.Audio, "flac"),
        [".ogg"] = (ExampleKind.Audio, "ogg"),
        [".oga"] = (ExampleKind.Audio, "ogg"),
        [".mp3"] = (ExampleKind.Audio, "mp3"),
        [".csv"] = (ExampleKind.Table, "csv"),
        [".tsv"] = (ExampleKind.Table, "tsv"),
        [".jsonl"] = (ExampleKind.Table, "jsonl"),
        [".ndjson"] = (ExampleKind.Table, "jsonl"),
        [".parquet"] = (ExampleKind.Table, "parquet"),
        [".arrow"] = (ExampleKind.Table, "arrow"),
    };

    /// <summary>The kind and format an extension promises, or null for files the audit does not read.</summary>
    public static (ExampleKind Kind, string Format)? OfExtension(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var k) ? k : null;

    /// <summary>The format the first bytes say, or null when they match no known signature.</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            return "jpeg";
        }

        if (b.Length >= 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "png";
        }

        if (b.Length >= 6 && (b[..6].SequenceEqual("GIF87a"u8) || b[..6].SequenceEqual("GIF89a"u8)))
        {
            return "gif";
        }

        if (b.Length >= 2 && b[0] == 'B' && b[1] == 'M')
        {
            return "bmp";
        }

        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8))
        {
            return b[8..12].SequenceEqual("WEBP"u8) ? "webp" : b[8..12].SequenceEqual("WAVE"u8) ? "wav" : null;
        }

        if (b.Length >= 4 && (b[..4].SequenceEqual((ReadOnlySpan<byte>)[0x49, 0x49, 0x2A, 0x00]) || b[..4].SequenceEqual((ReadOnlySpan<byte>)[0x4D, 0x4D, 0x00, 0x2A])))
        {
            return "tiff";
        }

        if (b.Length >= 4 && b[..4].SequenceEqual("fLaC"u8))
        {
            return "flac";
        }

        if (b.Length >= 4 && b[..4].SequenceEqual("OggS"u8))
        {
            return "ogg";
        }

        if (b.Length >= 3 && b[..3].SequenceEqual("ID3"u8))
        {
            return "mp3";
        }

        if (b.Length >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) != 0)
        {
            return "mp3";
        }

        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = b[8..12];
            return brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) ? "heif"
                : brand.SequenceEqual("avif"u8) ? "avif" : "mp4";
        }

        if (b.Length >= 4 && b[..4].SequenceEqual("PAR1"u8))
        {
            return "parquet";
        }

        if (b.Length >= 6 && b[..6].SequenceEqual("ARROW1"u8))
        {
            return "arrow";
        }

        if (b.Length >= 4 && b[..4].SequenceEqual("%PDF"u8))
        {
            return "pdf";
        }

        if (b.Length >= 5 && (b[..5].SequenceEqual("<?xml"u8) || b[..5].SequenceEqual("<html"u8) || b[..5].SequenceEqual("<!DOC"u8)))
        {
            return "html";
        }

        return null;
    }
}
