using System.Buffers;
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
    /// <summary>What <see cref="string.TrimStart()"/> trims, among single bytes.</summary>
    private static readonly SearchValues<byte> AsciiWhiteSpace = SearchValues.Create("\t\n\v\f\r "u8);

    private readonly string?[][]? _cells;
    private readonly IReadOnlyList<int>[]? _structured;
    private readonly byte[]? _utf8;
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

    /// <summary>A CSV table whose cells stay byte ranges of the file's UTF-8 <paramref name="utf8"/>: field <c>c</c> of row
    /// <c>r</c> runs from <c>fieldStarts[r * (columns + 1) + c]</c> to one before the next start.</summary>
    private PredictionTable(string path, IReadOnlyList<string> columns, int[] lines, byte[] utf8, int[] fieldStarts)
    {
        Path = path;
        Columns = columns;
        Rows = Handles(lines);
        _utf8 = utf8;
        _fieldStarts = fieldStarts;
    }

    public string Path { get; }

    public bool IsJsonl { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<TableRow> Rows { get; }

    /// <summary>Whether the cells are byte ranges of the file's UTF-8 (<see cref="CellUtf8"/>).</summary>
    public bool IsUtf8 => _utf8 is not null;

    /// <summary>A cell's text (null: JSON null or key absent).</summary>
    public string? Cell(TableRow row, int column) => _cells is not null ? _cells[row.Index][column] : Encoding.UTF8.GetString(Slice(row, column));

    /// <summary>A cell's text without making a string of it where it fits <paramref name="scratch"/> (empty for null).</summary>
    public ReadOnlySpan<char> CellText(TableRow row, int column, Span<char> scratch)
    {
        if (_cells is not null)
        {
            return _cells[row.Index][column];
        }

        var bytes = Slice(row, column);
        return bytes.Length <= scratch.Length ? scratch[..Encoding.UTF8.GetChars(bytes, scratch)] : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The file's UTF-8 bytes and the field starts (<see cref="CellUtf8"/>'s layout), when <see cref="IsUtf8"/>.</summary>
    public bool Utf8Cells(out byte[] utf8, out int[] fieldStarts)
    {
        utf8 = _utf8!;
        fieldStarts = _fieldStarts!;
        return _utf8 is not null;
    }

    /// <summary>A cell's UTF-8 bytes (only when <see cref="IsUtf8"/>).</summary>
    public ReadOnlySpan<byte> CellUtf8(TableRow row, int column) => Slice(row, column);

    /// <summary>Whether the cell held a JSON object or array.</summary>
    public bool IsStructured(TableRow row, int column) =>
        _structured is not null && _structured[row.Index] is { Count: > 0 } s && s.Contains(column);

    private ReadOnlySpan<byte> Slice(TableRow row, int column)
    {
        var at = (row.Index * (Columns.Count + 1)) + column;
        var start = _fieldStarts![at];
        return _utf8.AsSpan(start, _fieldStarts[at + 1] - 1 - start);
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

        byte[] bytes;
        try
        {
            bytes = await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new RunImportException(path, null, "cannot be read: " + ex.Message, "check the file and its permissions", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new RunImportException(path, null, "cannot be read: " + ex.Message, "check the file's permissions", ex);
        }

        return Parse(path, bytes);
    }

    /// <summary>Files from this size are read in as many parts as there are cores, each part on its own core (the copy from
    /// the page cache and the page faults of the fresh array then share the cores); smaller ones in one read.</summary>
    private const long PartedReadBytes = 16L << 20;

    /// <summary>The file's bytes, as <see cref="File.ReadAllBytesAsync(string, CancellationToken)"/> gives them (the same
    /// exceptions): a large file in parts read at once; a file whose length changes while it is read, or one too large for
    /// an array, is left to ReadAllBytes.</summary>
    private static async Task<byte[]> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        if (Environment.ProcessorCount > 1)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = RandomAccess.GetLength(handle);
            if (length >= PartedReadBytes && length <= Array.MaxLength)
            {
                // one part per core, each at least 8 MB
                var parts = (int)Math.Min(Environment.ProcessorCount, length / (8 << 20));
                var bytes = GC.AllocateUninitializedArray<byte>((int)length);
                var reads = new Task<bool>[parts];
                for (var i = 0; i < parts; i++)
                {
                    var from = (int)(length * i / parts);
                    var to = (int)(length * (i + 1) / parts);
                    reads[i] = Task.Run(() => ReadRange(handle, bytes, from, to), cancellationToken);
                }

                // every part ends before the handle is closed (an error is thrown once all have)
                var whole = await Task.WhenAll(reads).ConfigureAwait(false);
                if (Array.TrueForAll(whole, w => w) && RandomAccess.GetLength(handle) == length)
                {
                    return bytes;
                }
            }
        }

        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills bytes [<paramref name="from"/>, <paramref name="to"/>) from the same offsets of the file; false when the
    /// file ends first.</summary>
    private static bool ReadRange(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] bytes, int from, int to)
    {
        while (from < to)
        {
            var read = RandomAccess.Read(handle, bytes.AsSpan(from, to - from), from);
            if (read <= 0)
            {
                return false;
            }

            from += read;
        }

        return true;
    }

    /// <summary>A predictions file held in memory (an upload), as UTF-8 or with a byte-order mark; <paramref name="source"/>
    /// names it in errors. A UTF-8 CSV without quotes or carriage returns is read from its bytes (<see cref="FastCsv"/>);
    /// anything else is decoded to text first.</summary>
    public static PredictionTable Parse(string source, byte[] bytes)
    {
        var utf8 = bytes.AsSpan();
        var bom = utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var first = utf8[bom..].IndexOfAnyExcept(AsciiWhiteSpace);
        if (first >= 0 && bytes[bom + first] < 0x80 && bytes[bom + first] != (byte)'{' && FastCsv.Applies(utf8)
            && TryReadUtf8Csv(source, bytes, bom) is { } table)
        {
            return table;
        }

        return Parse(source, Decode(bytes));
    }

    /// <summary>The header decoded and read by the record reader (its delimiter sniffing and checks), the rows by
    /// <see cref="FastCsv"/> over the bytes; null when a record is too long for it (the record reader then reads it all).</summary>
    private static PredictionTable? TryReadUtf8Csv(string path, byte[] bytes, int bom)
    {
        var headerEnd = bom + FastCsv.HeaderEnd(bytes.AsSpan(bom));
        var reader = new CsvRecordReader(new StringReader(Encoding.UTF8.GetString(bytes, bom, headerEnd - bom)));
        var columns = Header(path, reader);
        var line = 1 + bytes.AsSpan(bom, headerEnd - bom).Count((byte)'\n');
        if (FastCsv.TryRead(bytes, headerEnd, line, reader.Delimiter, columns.Count) is not { } fast)
        {
            return null;
        }

        Refuse(path, fast, columns.Count);
        return new PredictionTable(path, columns, fast.Lines, bytes, fast.FieldStarts);
    }

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
        var columns = Header(path, reader);
        var fields = new List<string>();
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

    /// <summary>The header's column names (blank ones named by position), refused when a name repeats.</summary>
    private static List<string> Header(string path, CsvRecordReader reader)
    {
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

        return columns;
    }

    private static void Refuse(string path, FastCsvTable fast, int columns)
    {
        if (fast.Error is { } bad)
        {
            throw new RunImportException(path, $"line {bad.Line}",
                $"the row has {bad.Fields} field{(bad.Fields == 1 ? "" : "s")} but the header has {columns} columns",
                "quote fields that contain the delimiter, and give every row one value per column");
        }
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
