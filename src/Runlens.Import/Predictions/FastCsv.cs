using Runlens.Import.Tabular;

namespace Runlens.Import.Predictions;

/// <summary>
/// The common CSV, read fast from its UTF-8 bytes (no decoding to UTF-16): when the file holds no quote and no carriage
/// return, every line end ends a record and every delimiter ends a field (both are ASCII, so neither can sit inside a
/// multi-byte character), so the lines are cut into parts read on every core with vectorised searches, and the fields stay
/// byte ranges of the file (no string per cell). The result is what <see cref="CsvRecordReader"/> gives for such text
/// (blank lines skipped, line numbers kept); anything else (quotes, CR line ends, a record over its length limit) is left
/// to it (null).
/// </summary>
internal static class FastCsv
{
    private const int MinPartBytes = 1 << 20;

    /// <summary>Whether the bytes can be read this way at all: no quote, no carriage return.</summary>
    public static bool Applies(ReadOnlySpan<byte> utf8) => utf8.IndexOfAny((byte)'"', (byte)'\r') < 0;

    /// <summary>Where the header (the first non-blank line) ends: the index one past its line end, or the length when the
    /// file is one line.</summary>
    public static int HeaderEnd(ReadOnlySpan<byte> utf8)
    {
        var pos = utf8.IndexOfAnyExcept((byte)'\n');
        if (pos < 0)
        {
            return utf8.Length;
        }

        var nl = utf8[pos..].IndexOf((byte)'\n');
        return nl < 0 ? utf8.Length : pos + nl + 1;
    }

    /// <summary>Reads the records after the header, which ends at <paramref name="from"/> on line
    /// <paramref name="line"/> − 1 (the first record's line can be <paramref name="line"/>).</summary>
    public static FastCsvTable? TryRead(byte[] utf8, int from, int line, char delimiter, int columns)
    {
        if (delimiter > 0x7F)
        {
            return null;
        }

        var length = utf8.Length;
        var pos = from;

        // parts start after a line end, so each starts a record
        var partCount = Math.Max(1, Math.Min(Environment.ProcessorCount, (length - pos) / MinPartBytes));
        var bounds = new int[partCount + 1];
        bounds[0] = pos;
        bounds[partCount] = length;
        for (var i = 1; i < partCount; i++)
        {
            var at = Math.Max(bounds[i - 1], pos + (int)((long)(length - pos) * i / partCount));
            var nl = utf8.AsSpan(at).IndexOf((byte)'\n');
            bounds[i] = nl < 0 ? length : at + nl + 1;
        }

        var parts = new Part[partCount];
        Parallel.For(0, partCount, i => parts[i] = Part.Read(utf8, bounds[i], bounds[i + 1], (byte)delimiter, columns));
        if (parts.Any(p => p.TooLong))
        {
            return null;
        }

        var rows = 0;
        var firstLine = line;
        foreach (var part in parts)
        {
            if (part.ErrorLine >= 0)
            {
                return new FastCsvTable([], [], (firstLine + part.ErrorLine, part.ErrorFields));
            }

            rows += part.Rows;
            firstLine += part.LineEnds;
        }

        var lines = new int[rows];
        var starts = new int[rows * (columns + 1)];
        var offset = 0;
        firstLine = line;
        foreach (var part in parts)
        {
            for (var r = 0; r < part.Rows; r++)
            {
                lines[offset + r] = firstLine + part.LocalLines[r];
            }

            part.Starts.AsSpan(0, part.Rows * (columns + 1)).CopyTo(starts.AsSpan(offset * (columns + 1)));
            offset += part.Rows;
            firstLine += part.LineEnds;
        }

        return new FastCsvTable(lines, starts, null);
    }

    private sealed class Part
    {
        public int[] LocalLines { get; private init; } = [];

        public int[] Starts { get; private init; } = [];

        public int Rows { get; private set; }

        public int LineEnds { get; private set; }

        public bool TooLong { get; private set; }

        public int ErrorLine { get; private set; } = -1;

        public int ErrorFields { get; private set; }

        public static Part Read(byte[] utf8, int from, int to, byte delimiter, int columns)
        {
            var span = utf8.AsSpan(0, to);
            var lineEnds = span[from..].Count((byte)'\n');
            var part = new Part { LocalLines = new int[lineEnds + 1], Starts = new int[(lineEnds + 1) * (columns + 1)], LineEnds = lineEnds };
            var pos = from;
            var local = 0;
            var k = 0;
            while (pos < to)
            {
                var nl = span[pos..].IndexOf((byte)'\n');
                var end = nl < 0 ? to : pos + nl;

                // a byte count at or over the record reader's character limit: it decides (characters ≤ bytes)
                if (end - pos >= CsvRecordReader.MaxRecordChars - 1)
                {
                    part.TooLong = true;
                    return part;
                }

                if (end > pos)
                {
                    // fields: starts of each, then one past the record's end
                    var fields = 1;
                    var row = part.Starts.AsSpan(k, columns + 1);
                    row[0] = pos;
                    var p = pos;
                    while (true)
                    {
                        var d = span[p..end].IndexOf(delimiter);
                        if (d < 0)
                        {
                            break;
                        }

                        p += d + 1;
                        if (fields < columns)
                        {
                            row[fields] = p;
                        }

                        fields++;
                    }

                    if (fields != columns)
                    {
                        part.ErrorLine = local;
                        part.ErrorFields = fields;
                        return part;
                    }

                    row[columns] = end + 1;
                    part.LocalLines[part.Rows++] = local;
                    k += columns + 1;
                }

                local++;
                pos = end + 1;
            }

            return part;
        }
    }
}
