using System.Text.Json.Serialization;

namespace Runlens.Audit;

/// <summary>The serializer of <see cref="DataAuditEvidence"/>, with the evidence's options (snake_case, NaN and ±Infinity
/// as strings, nulls written), added to the evidence writer by the record itself.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DataAuditEvidence))]
internal sealed partial class DataAuditEvidenceJsonContext : JsonSerializerContext;
