using System.Text;
using System.Text.Json;
using Runlens.Import.Tabular;

namespace Runlens.Import.Predictions;

/// <summary>
/// A predictions file read as a table of text cells: a CSV (the project's own <see cref="CsvRecordReader"/>: RFC 4180
/// quoting, delimiter sniffed from the header) or JSONL (one object per line; columns are the keys in order of first
/// appearance, a key missing from a row is a null cell). JSON numbers keep their text, booleans become
/// <c>true</c>/<c>false</c>, objects and arrays are kept as JSON text and flagged so a role column can refuse them.
/// </summary>
internal sealed class PredictionTable
{
    private readonly string?[][]? _cells;
    private readonly IReadOnlyList<int>[]? _structured;
    private readonly string? _text;
    private readonly int[]? _fieldStarts;

    /// <summary>A table of text cells (JSONL, or CSV with quotes read by <see cref="CsvRecordReader"/>).</summary>
    private PredictionTable(string path, bool jsonl, IReadOnlyList<string> columns, int[] lines, string?[][] cells, IReadOnlyList<int>[] structured)
    {
        Path = path;
        IsJsonl = jsonl;
        Columns = columns;
        Rows = Handles(lines);
        _cells = cells;
        _structured = structured;
    }

    /// <summary>A CSV table whose cells stay slices of <paramref name="text"/>: field <c>c</c> of row <c>r</c> runs from
    /// <c>fieldStarts[r * (columns + 1) + c]</c> to one before the next start.</summary>
    private PredictionTable(string path, IReadOnlyList<string> columns, int[] lines, string text, int[] fieldStarts)
    {
        Path = path;
        Columns = columns;
        Rows = Handles(lines);
        _text = text;
        _fieldStarts = fieldStarts;
    }

    public string Path { get; }

    public bool IsJsonl { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<TableRow> Rows { get; }

    /// <summary>A cell's text (null: JSON null or key absent).</summary>
    public string? Cell(TableRow row, int column) => _cells is not null ? _cells[row.Index][column] : new string(Slice(row, column));

    /// <summary>A cell's text without making a string of it (empty for null).</summary>
    public ReadOnlySpan<char> CellText(TableRow row, int column) => _cells is not null ? _cells[row.Index][column] : Slice(row, column);

    /// <summary>Whether the cell held a JSON object or array.</summary>
    public bool IsStructured(TableRow row, int column) =>
        _structured is not null && _structured[row.Index] is { Count: > 0 } s && s.Contains(column);

    private ReadOnlySpan<char> Slice(TableRow row, int column)
    {
        var at = (row.Index * (Columns.Count + 1)) + column;
        var start = _fieldStarts![at];
        return _text.AsSpan(start, _fieldStarts[at + 1] - 1 - start);
    }

    private static TableRow[] Handles(int[] lines)
    {
        var rows = new TableRow[lines.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new TableRow(i, lines[i]);
        }

        return rows;
    }

    public static async Task<PredictionTable> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new RunImportException(path, null, "a folder, not a predictions file", "point at the CSV or JSONL predictions file");
        }

        if (!File.Exists(path))
        {
            throw new RunImportException(path, null, "no such file", "check the path");
        }

        string text;
        try
        {
            text = Decode(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (IOException ex)
        {
            throw new RunImportException(path, null, "cannot be read: " + ex.Message, "check the file and its permissions", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunImportException(path, null, "cannot be read: " + ex.Message, "check the file's permissions", ex);
        }

        return Parse(path, text);
    }

    /// <summary>A predictions file held in memory (an upload), as UTF-8 or with a byte-order mark; <paramref name="source"/>
    /// names it in errors.</summary>
    public static PredictionTable Parse(string source, byte[] bytes) => Parse(source, Decode(bytes));

    /// <summary>The text as a <see cref="StreamReader"/> that detects byte order marks reads it: UTF-8 (one decode of the
    /// whole buffer) unless a UTF-16 or UTF-32 mark says otherwise.</summary>
    private static string Decode(byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])
            || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        var bom = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, bom, bytes.Length - bom);
    }

    private static PredictionTable Parse(string path, string text)
    {
        var first = text.AsSpan().TrimStart();
        if (first.IsEmpty)
        {
            throw new RunImportException(path, null, "empty file",
                "a predictions file has a header (example_id,label,predicted,prob_<class>…) and one row per example, or one JSON object per line");
        }

        return first[0] == '{' ? ReadJsonl(path, text) : ReadCsv(path, text);
    }

    private static PredictionTable ReadCsv(string path, string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var fields = new List<string>();
        if (!reader.Read(fields, out var headerRecord))
        {
            throw new RunImportException(path, null, "empty file", "write a header line, then one row per example");
        }

        Check(path, headerRecord);
        var columns = new List<string>(fields.Count);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim();
            columns.Add(name.Length == 0 ? $"column{i + 1}" : name);
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!seen.TryAdd(columns[i], i))
            {
                throw new RunImportException(path, $"line {headerRecord.Line}", $"column '{columns[i]}' appears twice in the header",
                    "give every column its own name");
            }
        }

        if (FastCsv.TryRead(text, reader.Delimiter, columns.Count) is { } fast)
        {
            if (fast.Error is { } bad)
            {
                throw new RunImportException(path, $"line {bad.Line}",
                    $"the row has {bad.Fields} field{(bad.Fields == 1 ? "" : "s")} but the header has {columns.Count} columns",
                    "quote fields that contain the delimiter, and give every row one value per column");
            }

            return new PredictionTable(path, columns, fast.Lines, text, fast.FieldStarts);
        }

        var lines = new List<int>();
        var cells = new List<string?[]>();
        while (reader.Read(fields, out var record))
        {
            Check(path, record);
            if (fields.Count != columns.Count)
            {
                throw new RunImportException(path, $"line {record.Line}",
                    $"the row has {fields.Count} field{(fields.Count == 1 ? "" : "s")} but the header has {columns.Count} columns",
                    "quote fields that contain the delimiter, and give every row one value per column");
            }

            lines.Add(record.Line);
            cells.Add([.. fields]);
        }

        return new PredictionTable(path, false, columns, [.. lines], [.. cells], new IReadOnlyList<int>[cells.Count]);
    }

    private static void Check(string path, CsvRecord record)
    {
        switch (record.Status)
        {
            case CsvRecordStatus.OpenQuote:
                throw new RunImportException(path, $"line {record.Line}", "a quoted field is never closed",
                    "close the quote or double the quote characters inside the field");
            case CsvRecordStatus.TooLong:
                throw new RunImportException(path, $"line {record.Line}",
                    $"a record longer than {CsvRecordReader.MaxRecordChars} characters", "check for an unclosed quote or a file that is not CSV");
            default:
                break;
        }
    }

    private static PredictionTable ReadJsonl(string path, string text)
    {
        var columns = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var parsed = new List<(int Line, Dictionary<int, (string? Text, bool Structured)> Cells)>();
        var lineNo = 0;
        using var lines = new StringReader(text);
        while (lines.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                var bare = line.Contains("NaN", StringComparison.Ordinal) || line.Contains("Infinity", StringComparison.Ordinal);
                throw new RunImportException(path, $"line {lineNo}",
                    bare ? "not valid JSON: bare NaN or Infinity (a NaN score is not usable either)" : "not valid JSON: " + ex.Message,
                    "write one JSON object per line, with finite numbers", ex);
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new RunImportException(path, $"line {lineNo}", $"a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object",
                        "write one JSON object per line: {\"example_id\": …, \"label\": …, \"predicted\": …}");
                }

                var cells = new Dictionary<int, (string?, bool)>();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (!index.TryGetValue(p.Name, out var c))
                    {
                        c = columns.Count;
                        index[p.Name] = c;
                        columns.Add(p.Name);
                    }

                    cells[c] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => (p.Value.GetString(), false),
                        JsonValueKind.Number => (p.Value.GetRawText(), false),
                        JsonValueKind.True => ("true", false),
                        JsonValueKind.False => ("false", false),
                        JsonValueKind.Null => (null, false),
                        _ => (p.Value.GetRawText(), true),
                    };
                }

                parsed.Add((lineNo, cells));
            }
        }

        var lineNumbers = new int[parsed.Count];
        var rows = new string?[parsed.Count][];
        var structured = new IReadOnlyList<int>[parsed.Count];
        for (var r = 0; r < parsed.Count; r++)
        {
            var (line, cells) = parsed[r];
            var values = new string?[columns.Count];
            var structuredColumns = new List<int>();
            foreach (var (c, (t, s)) in cells)
            {
                values[c] = t;
                if (s)
                {
                    structuredColumns.Add(c);
                }
            }

            lineNumbers[r] = line;
            rows[r] = values;
            structured[r] = structuredColumns;
        }

        return new PredictionTable(path, true, columns, lineNumbers, rows, structured);
    }
}

/// <summary>One row of a <see cref="PredictionTable"/>: its index, and the line it starts on.</summary>
internal readonly record struct TableRow(int Index, int Line);
