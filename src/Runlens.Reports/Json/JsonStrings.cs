using System.Text.Json;

namespace Runlens.Reports.Json;

/// <summary>Lists of strings as the JSON contracts write them.</summary>
public static class JsonStrings
{
    /// <summary><c>"name": ["a", "b", …]</c>.</summary>
    public static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(values);
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
