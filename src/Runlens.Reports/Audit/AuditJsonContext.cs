using System.Text.Json.Serialization;

namespace Runlens.Reports.Audit;

/// <summary>The source-generated serializer of <c>runlens.audit/v1</c>: snake_case names, nulls left out, NaN and
/// infinities as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = true,
    Converters = [typeof(SeverityJsonConverter)])]
[JsonSerializable(typeof(AuditDocument))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
