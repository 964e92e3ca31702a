using System.Text.Json;

namespace Runlens.Analysis.Findings;

/// <summary>
/// The one way evidence becomes JSON: every contract that carries a finding (the diagnosis, alerts, MCP answers) writes
/// its evidence through <see cref="Write"/>, and human renderers read it back as a <see cref="JsonElement"/> through
/// <see cref="ToElement"/>, so what people read and what programs parse cannot drift. Numbers that are NaN or infinite
/// are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </summary>
public static class EvidenceJson
{
    /// <summary>Writes the evidence as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evidence);
        WriteObject(writer, evidence);
    }

    /// <summary>The evidence as the JSON object <see cref="Write"/> writes.</summary>
    public static JsonElement ToElement(Evidence evidence)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, evidence);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteObject(Utf8JsonWriter w, Evidence e)
    {
        w.WriteStartObject();
        foreach (var (k, v) in e.Items)
        {
            w.WritePropertyName(k);
            WriteValue(w, v);
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null:
                w.WriteNullValue();
                break;
            case double d:
                WriteNumber(w, d);
                break;
            case float f:
                WriteNumber(w, f);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case Evidence nested:
                WriteObject(w, nested);
                break;
            case System.Collections.IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, double v)
    {
        if (double.IsNaN(v))
        {
            w.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(v))
        {
            w.WriteStringValue(v > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            w.WriteNumberValue(v);
        }
    }
}
