using System.Globalization;
using System.Text.Json;

namespace Runlens.Import.SignalFiles;

/// <summary>A table of values read from a plain file: <c>Rows[i][j]</c> is sample i of column j.</summary>
public sealed record SignalTable(string File, IReadOnlyList<string> Columns, IReadOnlyList<double[]> Rows);

/// <summary>
/// Reads a plain table of numbers for signal tools (<c>runlens changepoints</c>): a CSV/TSV/TXT file with one column or
/// several and an optional header row, or a JSONL file with one number, array of numbers, or object of numbers per line.
/// Every cell must be a finite number; anything else is an error naming the line.
/// </summary>
public static class SignalFileReader
{
    public static bool IsSignalFile(string path) =>
        File.Exists(path) && Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".txt" or ".jsonl" or ".ndjson";

    public static SignalTable Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var table = ext is ".jsonl" or ".ndjson" ? ReadJsonLines(path) : ReadDelimited(path, ext == ".tsv" ? '\t' : ',');
        if (table.Rows.Count == 0)
        {
            throw new RunImportException(path, null, "no values", "give one number per line, or one row of numbers per sample");
        }

        return table;
    }

    private static SignalTable ReadDelimited(string path, char separator)
    {
        List<string>? columns = null;
        var rows = new List<double[]>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cells = line.Split(separator);
            var values = new double[cells.Length];
            var numeric = true;
            for (var j = 0; j < cells.Length; j++)
            {
                numeric &= double.TryParse(cells[j].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]);
            }

            if (!numeric && columns is null && rows.Count == 0)
            {
                columns = [.. cells.Select(c => c.Trim().Trim('"'))];
                continue;
            }

            rows.Add(Check(path, lineNo, values, numeric ? null : "a cell is not a number", columns?.Count ?? rows.FirstOrDefault()?.Length));
        }

        var width = rows.Count == 0 ? columns?.Count ?? 1 : rows[0].Length;
        return new SignalTable(path, columns ?? [.. Enumerable.Range(0, width).Select(j => "c" + j.ToString(CultureInfo.InvariantCulture))], rows);
    }

    private static SignalTable ReadJsonLines(string path)
    {
        List<string>? columns = null;
        var rows = new List<double[]>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            if (raw.Trim().Length == 0)
            {
                continue;
            }

            double[] values;
            try
            {
                using var doc = JsonDocument.Parse(raw);
                var e = doc.RootElement;
                switch (e.ValueKind)
                {
                    case JsonValueKind.Number:
                        values = [e.GetDouble()];
                        break;
                    case JsonValueKind.Array:
                        values = [.. e.EnumerateArray().Select(Number)];
                        break;
                    case JsonValueKind.Object:
                        columns ??= [.. e.EnumerateObject().Select(p => p.Name)];
                        values = [.. columns.Select(c => e.TryGetProperty(c, out var v) ? Number(v) : throw new FormatException($"no '{c}'"))];
                        break;
                    default:
                        throw new FormatException($"a {e.ValueKind.ToString().ToLowerInvariant()} is not a number");
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                throw new RunImportException(path, $"line {lineNo}", ex.Message.Split('\n')[0].TrimEnd('.'),
                    "each line must be a number, an array of numbers, or an object of numbers");
            }

            rows.Add(Check(path, lineNo, values, null, rows.FirstOrDefault()?.Length));
        }

        var width = rows.Count == 0 ? 1 : rows[0].Length;
        return new SignalTable(path, columns ?? [.. Enumerable.Range(0, width).Select(j => "c" + j.ToString(CultureInfo.InvariantCulture))], rows);
    }

    private static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw new FormatException($"a {e.ValueKind.ToString().ToLowerInvariant()} is not a number");

    private static double[] Check(string path, int lineNo, double[] values, string? error, int? width)
    {
        if (error is not null)
        {
            throw new RunImportException(path, $"line {lineNo}", error, "every cell must be a number (a first row of column names is allowed)");
        }

        if (width is not null && values.Length != width)
        {
            throw new RunImportException(path, $"line {lineNo}", $"{values.Length} values where earlier rows have {width}",
                "give every sample the same number of values");
        }

        var bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
        {
            throw new RunImportException(path, $"line {lineNo}", $"value {values[bad].ToString(CultureInfo.InvariantCulture)} is not finite",
                "remove or fill non-finite samples before searching for change points");
        }

        return values;
    }
}
