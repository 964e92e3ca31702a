using System.Text.Json.Serialization;
using Runlens.Reports.Contracts;

namespace Runlens.Mcp.Answers;

/// <summary>The MCP tools' own answers, written as every contract is (<see cref="ContractJson.CreateOptions"/>: snake_case,
/// NaN as "NaN", nulls written), on one line.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(ConfigValueJsonConverter), typeof(EvidenceJsonConverter)])]
[JsonSerializable(typeof(ListRunsAnswer))]
[JsonSerializable(typeof(GetRunAnswer))]
[JsonSerializable(typeof(MetricHistoryAnswer))]
[JsonSerializable(typeof(ImportRunAnswer))]
internal sealed partial class McpJsonContext : JsonSerializerContext
{
    public static McpJsonContext Compact { get; } = new(ContractJson.CreateOptions(indented: false));
}
