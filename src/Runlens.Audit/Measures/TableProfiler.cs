using System.Collections.Immutable;
using System.Globalization;
using Runlens.Audit.Checks;
using Runlens.Audit.Inputs;
using Runlens.Audit.Results;

namespace Runlens.Audit.Measures;

/// <summary>
/// Gives each column of a table a role — <c>label</c>, <c>text</c>, <c>id</c>, <c>file</c> by name (or text: long,
/// mostly distinct strings), else <c>numeric</c> (95% of values parse as numbers) or <c>categorical</c>; without a column
/// named like a label, the last categorical column with few values is the label — and its profile: missing values (empty, null, NaN, NA), distinct values, and for numbers min, max, median and quartiles.
/// </summary>
internal static class TableProfiler
{
    /// <summary>Label column names, most telling first: with both <c>label</c> and <c>y</c>, <c>label</c> is the label.</summary>
    private static readonly string[] LabelNames = ["label", "labels", "class", "category", "target", "sentiment", "intent", "species", "y"];
    private static readonly HashSet<string> TextNames = new(StringComparer.OrdinalIgnoreCase) { "text", "sentence", "content", "review", "document", "body", "question", "utterance", "comment", "tweet", "passage", "context", "prompt" };
    private static readonly HashSet<string> IdNames = new(StringComparer.OrdinalIgnoreCase) { "id", "idx", "index", "uuid", "guid", "key", "unnamed: 0", "" };
    private static readonly HashSet<string> FileNames = new(StringComparer.OrdinalIgnoreCase) { "file", "file_name", "filename", "path", "image", "image_path", "audio", "audio_path" };
    private static readonly HashSet<string> MissingText = new(StringComparer.OrdinalIgnoreCase) { "nan", "na", "n/a", "null", "none" };

    public static TableProfile Profile(TableData table)
    {
        var columns = ImmutableArray.CreateBuilder<AuditColumn>();
        var numbers = ImmutableArray.CreateBuilder<double[]?>();
        var labelIndex = -1;
        var rows = table.Rows;
        for (var c = 0; c < table.Columns.Length; c++)
        {
            var name = table.Columns[c];
            var cells = table.Cells[c];
            var missing = 0;
            var parsed = new double[rows];
            var numeric = 0;
            var distinct = new HashSet<string>(StringComparer.Ordinal);
            long length = 0;
            for (var r = 0; r < rows; r++)
            {
                var v = cells[r];
                if (v is null || v.Trim().Length == 0 || MissingText.Contains(v.Trim()))
                {
                    missing++;
                    parsed[r] = double.NaN;
                    cells[r] = null;
                    continue;
                }

                distinct.Add(v);
                length += v.Length;
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    parsed[r] = d;
                    numeric++;
                }
                else
                {
                    parsed[r] = double.NaN;
                }
            }

            var present = rows - missing;
            var isNumeric = present > 0 && numeric >= 0.95 * present;
            var meanLength = present > 0 ? (double)length / present : 0;
            var role = TextNames.Contains(name) ? "text"
                : FileNames.Contains(name) ? "file"
                : IdNames.Contains(name) || name.EndsWith("_id", StringComparison.OrdinalIgnoreCase) ? "id"
                : isNumeric ? "numeric"
                : meanLength >= 30 && distinct.Count >= 0.5 * present ? "text"
                : "categorical";
            double? min = null, max = null, median = null, q1 = null, q3 = null;
            if (isNumeric)
            {
                var finite = parsed.Where(double.IsFinite).ToArray();
                if (finite.Length > 0)
                {
                    Array.Sort(finite);
                    min = finite[0];
                    max = finite[^1];
                    median = Quantile(finite, 0.5);
                    q1 = Quantile(finite, 0.25);
                    q3 = Quantile(finite, 0.75);
                }
            }

            columns.Add(new AuditColumn(table.File, name, role, rows, missing, distinct.Count, min, max, median, q1, q3));
            numbers.Add(isNumeric ? parsed : null);
        }

        var rank = int.MaxValue;
        for (var c = 0; c < columns.Count; c++)
        {
            var r = Array.FindIndex(LabelNames, n => string.Equals(n, columns[c].Name.Trim(), StringComparison.OrdinalIgnoreCase));
            if (r >= 0 && r < rank)
            {
                (rank, labelIndex) = (r, c);
            }
        }

        if (labelIndex >= 0)
        {
            columns[labelIndex] = columns[labelIndex] with { Role = "label" };
        }

        // no column named like a label: the last categorical column with few values (the usual place of the target)
        for (var c = columns.Count - 1; c >= 0 && labelIndex < 0; c--)
        {
            var col = columns[c];
            if (col.Role == "categorical" && col.Distinct >= 2 && col.Distinct <= Math.Max(2, Math.Min(100, rows / 10)))
            {
                labelIndex = c;
                columns[c] = col with { Role = "label" };
            }
        }

        var idColumn = -1;
        for (var c = 0; c < columns.Count && idColumn < 0; c++)
        {
            idColumn = columns[c].Role == "id" ? c : -1;
        }

        var rowIds = Enumerable.Range(0, rows)
            .Select(r => idColumn >= 0 && table.Cells[idColumn][r] is { } id ? id : $"{table.File}#{r + 1}")
            .ToImmutableArray();
        return new TableProfile(table.File, table.Split, columns.ToImmutable(), labelIndex, numbers.ToImmutable(), table.Cells, rowIds);
    }

    /// <summary>The quantile with linear interpolation between order statistics (NumPy's default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
