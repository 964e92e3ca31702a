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

    public static void Number(Utf8JsonWriter w, string name, double value) => JsonNumbers.Write(w, name, value);

    public static void Number(Utf8JsonWriter w, string name, double? value) => JsonNumbers.Write(w, name, value);

    /// <summary>A config value as its JSON type: number, boolean, null or string.</summary>
    public static void Config(Utf8JsonWriter w, ConfigValue v)
    {
        switch (v.Kind)
        {
            case ConfigValueKind.Number:
                JsonNumbers.Write(w, v.Number);
                break;
            case ConfigValueKind.Boolean:
                w.WriteBooleanValue(v.Boolean);
                break;
            case ConfigValueKind.Null:
                w.WriteNullValue();
                break;
            default:
                w.WriteStringValue(v.Text);
                break;
        }
    }

    /// <summary><c>{"step": …, "value": …}</c> (and <c>epoch</c> when known).</summary>
    public static void Point(Utf8JsonWriter w, string name, SeriesPoint? p)
    {
        if (p is not { } point)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("step", point.Step);
        JsonNumbers.Write(w, "value", point.Value);
        if (double.IsFinite(point.Epoch))
        {
            w.WriteNumber("epoch", point.Epoch);
        }

        w.WriteEndObject();
    }

    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();
}
