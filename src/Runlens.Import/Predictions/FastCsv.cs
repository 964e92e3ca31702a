using Runlens.Import.Tabular;

namespace Runlens.Import.Predictions;

/// <summary>
/// The common CSV, read fast: when the text holds no quote and no carriage return, every line end ends a record and every
/// delimiter ends a field, so the lines are cut into parts read on every core with vectorised searches, and the fields
/// stay slices of the text (no string per cell). The result is what <see cref="CsvRecordReader"/> gives for such text
/// (blank lines skipped, line numbers kept); anything else (quotes, CR line ends, a record over its length limit) is left
/// to it (null).
/// </summary>
internal static class FastCsv
{
    private const int MinPartChars = 1 << 20;

    /// <summary>Reads the records after the header (the first non-blank line).</summary>
    public static FastCsvTable? TryRead(string text, char delimiter, int columns)
    {
        var span = text.AsSpan();
        if (span.IndexOfAny('"', '\r') >= 0)
        {
            return null;
        }

        var pos = 0;
        var line = 1;
        while (pos < span.Length && span[pos] == '\n')
        {
            pos++;
            line++;
        }

        var headerEnd = span[pos..].IndexOf('\n');
        if (headerEnd < 0)
        {
            return new FastCsvTable([], [], null);
        }

        pos += headerEnd + 1;
        line++;

        // parts start after a line end, so each starts a record
        var partCount = Math.Max(1, Math.Min(Environment.ProcessorCount, (span.Length - pos) / MinPartChars));
        var bounds = new int[partCount + 1];
        bounds[0] = pos;
        bounds[partCount] = span.Length;
        for (var i = 1; i < partCount; i++)
        {
            var from = Math.Max(bounds[i - 1], pos + (int)((long)(span.Length - pos) * i / partCount));
            var nl = span[from..].IndexOf('\n');
            bounds[i] = nl < 0 ? span.Length : from + nl + 1;
        }

        var parts = new Part[partCount];
        Parallel.For(0, partCount, i => parts[i] = Part.Read(text, bounds[i], bounds[i + 1], delimiter, columns));
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
        var at = 0;
        firstLine = line;
        foreach (var part in parts)
        {
            for (var r = 0; r < part.Rows; r++)
            {
                lines[at + r] = firstLine + part.LocalLines[r];
            }

            part.Starts.AsSpan(0, part.Rows * (columns + 1)).CopyTo(starts.AsSpan(at * (columns + 1)));
            at += part.Rows;
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

        public static Part Read(string text, int from, int to, char delimiter, int columns)
        {
            var span = text.AsSpan(0, to);
            var capacity = span[from..].Count('\n') + 1;
            var part = new Part { LocalLines = new int[capacity], Starts = new int[capacity * (columns + 1)] };
            var pos = from;
            var local = 0;
            var k = 0;
            while (pos < to)
            {
                var nl = span[pos..].IndexOf('\n');
                var end = nl < 0 ? to : pos + nl;
                if (end - pos >= CsvRecordReader.MaxRecordChars - 1)
                {
                    part.TooLong = true;
                    return part;
                }

                if (end > pos)
                {
                    // fields: starts of each, then one past the record's end
                    var fields = 1;
                    var row = part.Starts.AsSpan(k);
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

            part.LineEnds = span[from..to].Count('\n');
            return part;
        }
    }
}
