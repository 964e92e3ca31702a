using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Model;
using Runlens.Reports.Json;

namespace Runlens.Mcp;

/// <summary>Tool results as compact JSON: no indentation, snake_case names, NaN and ±Infinity as the strings the
/// diagnosis contract uses.</summary>
internal static class CompactJson
{
    public static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions NodeOptions = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document <paramref name="write"/> writes, as a string.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A series point as <see cref="DiagnosisJsonRenderer.WritePoint"/> writes one, or null.</summary>
    public static void Point(Utf8JsonWriter w, string name, SeriesPoint? p) =>
        DiagnosisJsonRenderer.WritePoint(w, name, p is { } x ? new Analysis.Diagnoses.MetricPoint(x.Step, x.Value, x.Epoch) : null);

    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();
}
