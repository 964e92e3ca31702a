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

    private static System.Collections.Immutable.ImmutableArray<System.Text.Json.Serialization.JsonSerializerContext> s_more = [];

    /// <summary>Adds the source-generated context of evidence records that live outside this library (the data audit's
    /// findings in a run's diagnosis); each record type registers its context once, before its first instance exists.</summary>
    public static void AddContext(System.Text.Json.Serialization.JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        System.Collections.Immutable.ImmutableInterlocked.Update(ref s_more, list => list.Contains(context) ? list : list.Add(context));
    }

    /// <summary>The generated serialization metadata of an evidence type; a type missing from
    /// <see cref="EvidenceJsonContext"/> (or a context added with <see cref="AddContext"/>) is a programming error.</summary>
    internal static JsonTypeInfo TypeInfo(Type type) =>
        EvidenceJsonContext.Default.GetTypeInfo(type)
        ?? s_more.Select(c => c.GetTypeInfo(type)).FirstOrDefault(t => t is not null)
        ?? throw new InvalidOperationException(
            $"evidence type {type.FullName} is not in EvidenceJsonContext: add [JsonSerializable(typeof({type.Name}))] there");
}
