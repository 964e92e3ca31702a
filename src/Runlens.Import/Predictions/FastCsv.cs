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

        // each part's line ends, then its rows (at most one per line, one more for a last line without a line end) written
        // straight into the table's arrays at the part's place; blank lines leave gaps, closed after
        var lineEnds = new int[partCount];
        Parallel.For(0, partCount, i => lineEnds[i] = utf8.AsSpan(bounds[i], bounds[i + 1] - bounds[i]).Count((byte)'\n'));
        var firstRows = new int[partCount + 1];
        var firstLines = new int[partCount];
        firstLines[0] = line;
        for (var i = 0; i < partCount; i++)
        {
            var open = bounds[i + 1] > bounds[i] && utf8[bounds[i + 1] - 1] != (byte)'\n' ? 1 : 0;
            firstRows[i + 1] = firstRows[i] + lineEnds[i] + open;
            if (i + 1 < partCount)
            {
                firstLines[i + 1] = firstLines[i] + lineEnds[i];
            }
        }

        var lines = new int[firstRows[partCount]];
        var starts = new int[firstRows[partCount] * (columns + 1)];
        var parts = new Part[partCount];
        Parallel.For(0, partCount, i => parts[i] = Part.Read(utf8, bounds[i], bounds[i + 1], (byte)delimiter, columns,
            lines.AsSpan(firstRows[i], firstRows[i + 1] - firstRows[i]), starts.AsSpan(firstRows[i] * (columns + 1)), firstLines[i]));
        if (parts.Any(p => p.TooLong))
        {
            return null;
        }

        foreach (var part in parts)
        {
            if (part.ErrorLine >= 0)
            {
                return new FastCsvTable([], [], (part.ErrorLine, part.ErrorFields));
            }
        }

        // close the gaps blank lines left (none in the common file)
        var rows = 0;
        for (var i = 0; i < partCount; i++)
        {
            var count = parts[i].Rows;
            if (rows != firstRows[i])
            {
                lines.AsSpan(firstRows[i], count).CopyTo(lines.AsSpan(rows));
                starts.AsSpan(firstRows[i] * (columns + 1), count * (columns + 1)).CopyTo(starts.AsSpan(rows * (columns + 1)));
            }

            rows += count;
        }

        if (rows != lines.Length)
        {
            lines = lines[..rows];
            starts = starts[..(rows * (columns + 1))];
        }

        return new FastCsvTable(lines, starts, null);
    }

    private sealed class Part
    {
        public int Rows { get; private set; }

        public bool TooLong { get; private set; }

        public int ErrorLine { get; private set; } = -1;

        public int ErrorFields { get; private set; }

        /// <summary>Reads the records of bytes [<paramref name="from"/>, <paramref name="to"/>), whose first line is
        /// <paramref name="firstLine"/>, into <paramref name="lines"/> and <paramref name="starts"/> from their first element.</summary>
        public static Part Read(byte[] utf8, int from, int to, byte delimiter, int columns, Span<int> lines, Span<int> starts, int firstLine)
        {
            var span = utf8.AsSpan(0, to);
            var part = new Part();
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
                    var row = starts.Slice(k, columns + 1);
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
                        part.ErrorLine = firstLine + local;
                        part.ErrorFields = fields;
                        return part;
                    }

                    row[columns] = end + 1;
                    lines[part.Rows++] = firstLine + local;
                    k += columns + 1;
                }

                local++;
                pos = end + 1;
            }

            return part;
        }
    }
}
