using System.Text.Json;
using System.Text.Json.Serialization;
using Runlens.Model;
using Runlens.Reports.Json;

namespace Runlens.Reports.Contracts;

/// <summary>A config value as its JSON type: number (NaN and ±Infinity as strings), boolean, null or string.</summary>
public sealed class ConfigValueJsonConverter : JsonConverter<ConfigValue>
{
    public override ConfigValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => ConfigValue.Null,
        JsonTokenType.True => ConfigValue.Of(true),
        JsonTokenType.False => ConfigValue.Of(false),
        JsonTokenType.Number => ConfigValue.Of(reader.GetDouble()),
        JsonTokenType.String => ConfigValue.Of(reader.GetString()!),
        _ => throw new JsonException($"a config value is a number, string, boolean or null, not {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, ConfigValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case ConfigValueKind.Null:
                writer.WriteNullValue();
                break;
            case ConfigValueKind.Number:
                JsonNumbers.Write(writer, value.Number);
                break;
            case ConfigValueKind.Boolean:
                writer.WriteBooleanValue(value.Boolean);
                break;
            default:
                writer.WriteStringValue(value.Text);
                break;
        }
    }
}
