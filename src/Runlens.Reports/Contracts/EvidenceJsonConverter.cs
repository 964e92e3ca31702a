using System.Text.Json;
using System.Text.Json.Serialization;
using Runlens.Analysis.Findings;

namespace Runlens.Reports.Contracts;

/// <summary>A finding's evidence, written only through <see cref="EvidenceJson.Write"/> (the one place evidence becomes
/// JSON). Contracts are written, never read back into evidence.</summary>
public sealed class EvidenceJsonConverter : JsonConverter<Evidence>
{
    public override Evidence Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("evidence is written to JSON, not read from it");

    public override void Write(Utf8JsonWriter writer, Evidence value, JsonSerializerOptions options) => EvidenceJson.Write(writer, value);
}
