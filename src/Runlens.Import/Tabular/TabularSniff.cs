using System.Text;

namespace Runlens.Import.Tabular;

/// <summary>Cheap looks at the first bytes of a file, for <see cref="IRunImporter.Detect"/>.</summary>
internal static class TabularSniff
{
    public const int HeadBytes = 8192;

    /// <summary>The first <see cref="HeadBytes"/> of the file as UTF-8 text (byte order mark removed), or null when it
    /// cannot be read.</summary>
    public static string? Head(string file, int bytes = HeadBytes)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            var buffer = new byte[bytes];
            var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var start = n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            return Encoding.UTF8.GetString(buffer, start, n - start);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The header fields of a CSV file (trimmed), or null when the file is empty or unreadable.</summary>
    public static IReadOnlyList<string>? CsvHeader(string file)
    {
        var head = Head(file);
        if (string.IsNullOrEmpty(head) || head.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var reader = new CsvRecordReader(new StringReader(head));
        var fields = new List<string>();
        if (!reader.Read(fields, out var record) || record.Status != CsvRecordStatus.Ok)
        {
            return null;
        }

        return fields.Select(f => f.Trim().Trim('\uFEFF')).ToList();
    }

    public static bool Has(IReadOnlyList<string> header, string name) =>
        header.Any(h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static bool HasExtension(string path, params ReadOnlySpan<string> extensions)
    {
        var ext = Path.GetExtension(path);
        foreach (var e in extensions)
        {
            if (ext.Equals(e, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
