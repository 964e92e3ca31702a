using System.Text.Json;

namespace Runlens.Reports.Json;

/// <summary>Numbers as the contract writes them: NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity".</summary>
public static class JsonNumbers
{
    public static void Write(Utf8JsonWriter w, double v)
    {
        if (double.IsNaN(v))
        {
            w.WriteStringValue("NaN");
        }
        else if (double.IsPositiveInfinity(v))
        {
            w.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(v))
        {
            w.WriteStringValue("-Infinity");
        }
        else
        {
            w.WriteNumberValue(v);
        }
    }

    public static void Write(Utf8JsonWriter w, string name, double v)
    {
        w.WritePropertyName(name);
        Write(w, v);
    }

    public static void Write(Utf8JsonWriter w, string name, double? v)
    {
        w.WritePropertyName(name);
        if (v is { } d)
        {
            Write(w, d);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    public static void Write(Utf8JsonWriter w, string name, long? v)
    {
        if (v is { } l)
        {
            w.WriteNumber(name, l);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
