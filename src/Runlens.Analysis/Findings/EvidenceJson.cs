using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runlens.Analysis.Findings;

/// <summary>
/// The one way evidence becomes JSON: every contract that carries a finding (the diagnosis, alerts, MCP answers) writes
/// its evidence through <see cref="Write"/>, and human renderers read it back as a <see cref="JsonElement"/> through
/// <see cref="ToElement"/>, so what people read and what programs parse cannot drift. The fields of the evidence record
/// become snake_case keys in declaration order (System.Text.Json source generation, <see cref="EvidenceJsonContext"/>);
/// numbers that are NaN or infinite are written as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </summary>
public static class EvidenceJson
{
    /// <summary>Writes the evidence as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evidence);
        JsonSerializer.Serialize(writer, evidence, TypeInfo(evidence.GetType()));
    }

    /// <summary>The evidence as the JSON object <see cref="Write"/> writes.</summary>
    public static JsonElement ToElement(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return JsonSerializer.SerializeToElement(evidence, TypeInfo(evidence.GetType()));
    }

    /// <summary>The generated serialization metadata of an evidence type; a type missing from
    /// <see cref="EvidenceJsonContext"/> is a programming error.</summary>
    internal static JsonTypeInfo TypeInfo(Type type) =>
        EvidenceJsonContext.Default.GetTypeInfo(type)
        ?? throw new InvalidOperationException(
            $"evidence type {type.FullName} is not in EvidenceJsonContext: add [JsonSerializable(typeof({type.Name}))] there");
}
