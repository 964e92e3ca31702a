using Runlens.Import.Json;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Flattens a small JSON object (<c>config.json</c>, <c>adapter_config.json</c>, <c>*_results.json</c>) to dotted keys.
/// Label maps (<c>id2label</c>, <c>label2id</c>) are left out (their size is kept as <c>num_labels</c>), so are arrays longer
/// than <see cref="MaxArray"/> or holding objects; short arrays of scalars become one comma-separated string.
/// </summary>
internal static class HfJsonFlattener
{
    public const int MaxArray = 16;
    private const int MaxKeys = 10_000;

    /// <summary>Flattens <paramref name="bytes"/> (rewritten in place) under <paramref name="prefix"/>. Damage after some keys were
    /// read is returned as an event; damage before any key throws <see cref="RunImportException"/>.</summary>
    public static (List<KeyValuePair<string, ConfigValue>> Values, RunEvent? Damage) Flatten(byte[] bytes, string prefix, string file)
    {
        var values = new List<KeyValuePair<string, ConfigValue>>();
        var start = PythonJson.BomLength(bytes);
        var json = bytes.AsSpan(start);
        var literals = PythonJson.RewriteNonFiniteLiterals(json);
        var reader = new Utf8JsonReader(json, PythonJson.ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new RunImportException(file, "offset " + (start + reader.TokenStartIndex).ToString(CultureInfo.InvariantCulture),
                    "not a JSON object", "expected the JSON object the Hugging Face Trainer writes");
            }

            ReadObject(ref reader, prefix, values, literals);
            return (values, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            var cause = ex is JsonException je ? PythonJson.Describe(je) : ex.Message.TrimEnd('.');
            var location = "offset " + (start + reader.BytesConsumed).ToString(CultureInfo.InvariantCulture);
            return (values, new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(file)} is damaged ({cause}); {values.Count} values read before it were kept", File: file, Location: location));
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, string prefix, List<KeyValuePair<string, ConfigValue>> values, Dictionary<long, double>? literals)
    {
        var hasNumLabels = false;
        int? labelCount = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString() ?? "";
            var key = prefix + name;
            reader.Read();
            if (name is "id2label" or "label2id")
            {
                var count = reader.TokenType == JsonTokenType.StartObject ? CountProperties(ref reader) : Skip(ref reader);
                labelCount ??= count;
                continue;
            }

            hasNumLabels |= name == "num_labels";
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    ReadObject(ref reader, key + ".", values, literals);
                    break;
                case JsonTokenType.StartArray:
                    ReadArray(ref reader, key, values, literals);
                    break;
                default:
                    if (Scalar(ref reader, literals) is { } v)
                    {
                        Add(values, key, v);
                    }

                    break;
            }
        }

        if (!hasNumLabels && labelCount is > 0)
        {
            Add(values, prefix + "num_labels", ConfigValue.Of(labelCount.Value));
        }
    }

    private static void ReadArray(ref Utf8JsonReader reader, string key, List<KeyValuePair<string, ConfigValue>> values, Dictionary<long, double>? literals)
    {
        var parts = new List<string>();
        var flat = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                flat = false;
                reader.Skip();
            }
            else if (flat && parts.Count < MaxArray && Scalar(ref reader, literals) is { } v)
            {
                parts.Add(v.Text);
            }
            else
            {
                flat = false;
            }
        }

        if (flat)
        {
            Add(values, key, ConfigValue.Of(string.Join(",", parts)));
        }
    }

    private static ConfigValue? Scalar(ref Utf8JsonReader reader, Dictionary<long, double>? literals)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return ConfigValue.Parse(Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.String:
                return PythonJson.TryReadNumber(ref reader, literals, out var special) ? ConfigValue.Of(special) : ConfigValue.Of(reader.GetString() ?? "");
            case JsonTokenType.True:
                return ConfigValue.Of(true);
            case JsonTokenType.False:
                return ConfigValue.Of(false);
            case JsonTokenType.Null:
                return ConfigValue.Null;
            default:
                return null;
        }
    }

    private static void Add(List<KeyValuePair<string, ConfigValue>> values, string key, ConfigValue value)
    {
        if (values.Count < MaxKeys)
        {
            values.Add(new(key, value));
        }
    }

    private static int CountProperties(ref Utf8JsonReader reader)
    {
        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            count++;
            reader.Read();
            reader.Skip();
        }

        return count;
    }

    private static int? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}
