using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runlens.Analysis.Findings;

/// <summary>
/// The one way evidence becomes JSON: every contract that carries a finding (the diagnosis, alerts, MCP answers) writes
/// its evidence through <see cref="Write"/>, and human renderers read it back as a <see cref="JsonElement"/> through
/// <see cref="ToElement"/>, so what people read and what programs parse cannot drift. The fields of the evidence record
/// become snake_case keys in declaration order (as System.Text.Json source generation writes them for
/// <see cref="EvidenceJsonContext"/>); numbers that are NaN or infinite are written as the strings <c>"NaN"</c>,
/// <c>"Infinity"</c>, <c>"-Infinity"</c>. The records of <see cref="EvidenceJsonContext"/> are written by
/// <see cref="EvidenceJsonContextWriter"/>, generated from the context's attributes (src/Runlens.JsonWriterGenerator): the same
/// bytes, without building System.Text.Json's metadata at start-up; a test holds the two byte-identical for every record.
/// </summary>
public static class EvidenceJson
{
    /// <summary>Writes the evidence as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(evidence);
        if (!EvidenceJsonContextWriter.TryWrite(writer, evidence))
        {
            JsonSerializer.Serialize(writer, evidence, TypeInfo(evidence.GetType()));
        }
    }

    /// <summary>The evidence as the JSON object <see cref="Write"/> writes.</summary>
    public static JsonElement ToElement(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, evidence);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
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
