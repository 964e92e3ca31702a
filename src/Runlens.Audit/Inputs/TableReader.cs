using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using CsvHelper;
using CsvHelper.Configuration;
using Parquet;

namespace Runlens.Audit.Inputs;

/// <summary>
/// Reads CSV/TSV (CsvHelper), JSONL, Parquet (Parquet.Net) and Arrow IPC files (Apache.Arrow: the stream format
/// Hugging Face <c>save_to_disk</c> writes, and the file format) into <see cref="TableData"/>. Scalar columns are kept;
/// nested columns (images and audio stored as structs, lists) are left out with a note. A file that cannot be read is an
/// <see cref="AuditInputException"/>-free failure: the caller gets the reason as a string.
/// </summary>
internal static class TableReader
{
    public static async Task<(TableData? Table, string? Error)> ReadAsync(DataFile file, string format, CancellationToken ct)
    {
        try
        {
            return format switch
            {
                "csv" or "tsv" => (ReadCsv(file, format == "tsv" ? "\t" : null), null),
                "jsonl" => (ReadJsonl(file), null),
                "parquet" => (await ReadParquetAsync(file, ct), null),
                "arrow" => (await ReadArrowAsync(file, ct), null),
                _ => (null, "not a table format"),
            };
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            return (null, $"cannot be read as {format} ({ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()})");
        }
    }

    private static TableData ReadCsv(DataFile file, string? delimiter)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null, DetectDelimiter = delimiter is null };
        if (delimiter is not null)
        {
            config.Delimiter = delimiter;
        }

        using var reader = new StreamReader(file.FullPath);
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
        {
            return new TableData(file.DisplayPath, file.Split, [], [], ["empty: no header row"]);
        }

        var columns = header.Select(h => new List<string?>()).ToArray();
        while (csv.Read())
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var v = csv.TryGetField<string>(c, out var s) ? s : null;
                columns[c].Add(string.IsNullOrEmpty(v) ? null : v);
            }
        }

        return new TableData(file.DisplayPath, file.Split, [.. header], [.. columns.Select(c => c.ToArray())], []);
    }

    private static TableData ReadJsonl(DataFile file)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<Dictionary<int, string?>>();
        var notes = new List<string>();
        var nested = new SortedSet<string>(StringComparer.Ordinal);
        var line = 0;
        foreach (var text in File.ReadLines(file.FullPath))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                notes.Add($"line {line}: not valid JSON ({ex.Message.Split('.')[0]}); row skipped");
                continue;
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    notes.Add($"line {line}: not a JSON object; row skipped");
                    continue;
                }

                var row = new Dictionary<int, string?>();
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        nested.Add(p.Name);
                        continue;
                    }

                    if (!index.TryGetValue(p.Name, out var c))
                    {
                        index[p.Name] = c = names.Count;
                        names.Add(p.Name);
                    }

                    row[c] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString() is { Length: > 0 } s ? s : null,
                        JsonValueKind.Number => p.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                }

                rows.Add(row);
            }
        }

        if (notes.Count > 3)
        {
            notes = [.. notes.Take(3), $"{notes.Count - 3} more rows skipped"];
        }

        notes.AddRange(nested.Select(n => $"column {n} holds nested values; not audited"));
        var cells = names.Select((_, c) => rows.Select(r => r.GetValueOrDefault(c)).ToArray()).ToImmutableArray();
        return new TableData(file.DisplayPath, file.Split, [.. names], cells, [.. notes]);
    }

    private static async Task<TableData> ReadParquetAsync(DataFile file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file.FullPath);
        var read = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: ct);
        var names = new List<string>();
        var notes = new List<string>();
        foreach (var f in read.Schema.Fields)
        {
            if (f is Parquet.Schema.DataField { IsArray: false } d)
            {
                names.Add(d.Name);
            }
            else
            {
                notes.Add($"column {f.Name} holds nested values; not audited");
            }
        }

        var cells = names.Select(n => read.Data.Select(row => row.TryGetValue(n, out var v) ? Cell(v) : null).ToArray()).ToImmutableArray();
        return new TableData(file.DisplayPath, file.Split, [.. names], cells, [.. notes]);
    }

    private static async Task<TableData> ReadArrowAsync(DataFile file, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(file.FullPath, ct);
        var isFile = bytes.Length >= 6 && bytes.AsSpan(0, 6).SequenceEqual("ARROW1"u8);
        using var reader = isFile
            ? new ArrowFileReader(new MemoryStream(bytes, writable: false))
            : new ArrowStreamReader(new MemoryStream(bytes, writable: false));
        var names = new List<string>();
        var columns = new List<List<string?>>();
        var keep = new List<int>();
        var notes = new List<string>();
        var first = true;
        while (await reader.ReadNextRecordBatchAsync(ct) is { } batch)
        {
            using (batch)
            {
                if (first)
                {
                    for (var i = 0; i < batch.Schema.FieldsList.Count; i++)
                    {
                        var field = batch.Schema.FieldsList[i];
                        if (field.DataType is Apache.Arrow.Types.NestedType)
                        {
                            notes.Add($"column {field.Name} holds nested values ({field.DataType.Name}); not audited");
                            continue;
                        }

                        keep.Add(i);
                        names.Add(field.Name);
                        columns.Add([]);
                    }

                    first = false;
                }

                for (var k = 0; k < keep.Count; k++)
                {
                    var array = batch.Column(keep[k]);
                    for (var row = 0; row < batch.Length; row++)
                    {
                        columns[k].Add(ArrowCell(array, row));
                    }
                }
            }
        }

        return new TableData(file.DisplayPath, file.Split, [.. names], [.. columns.Select(c => c.ToArray())], [.. notes]);
    }

    private static string? ArrowCell(IArrowArray array, int row)
    {
        if (array.IsNull(row))
        {
            return null;
        }

        return array switch
        {
            StringArray s => s.GetString(row) is { Length: > 0 } v ? v : null,
            LargeStringArray s => s.GetString(row) is { Length: > 0 } v ? v : null,
            BooleanArray b => b.GetValue(row) is { } v ? (v ? "true" : "false") : null,
            Int8Array a => Cell(a.GetValue(row)),
            Int16Array a => Cell(a.GetValue(row)),
            Int32Array a => Cell(a.GetValue(row)),
            Int64Array a => Cell(a.GetValue(row)),
            UInt8Array a => Cell(a.GetValue(row)),
            UInt16Array a => Cell(a.GetValue(row)),
            UInt32Array a => Cell(a.GetValue(row)),
            UInt64Array a => Cell(a.GetValue(row)),
            FloatArray a => Cell(a.GetValue(row)),
            DoubleArray a => Cell(a.GetValue(row)),
            DictionaryArray d => ArrowCell(d.Dictionary, (int)(((IArrowArray)d.Indices) switch
            {
                Int8Array i => i.GetValue(row) ?? 0,
                Int16Array i => i.GetValue(row) ?? 0,
                Int32Array i => i.GetValue(row) ?? 0,
                _ => 0,
            })),
            _ => null,
        };
    }

    private static string? Cell(object? v) => v switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        double d => double.IsNaN(d) ? null : d.ToString("R", CultureInfo.InvariantCulture),
        float f => float.IsNaN(f) ? null : f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
