using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runlens.Mcp;

/// <summary>Tool answers as compact JSON through a source-generated context (<see cref="Reports.Contracts.ContractJson.Compact"/>
/// for the documents the CLI also writes, <see cref="Answers.McpJsonContext.Compact"/> for the tools' own answers):
/// one line, snake_case names, NaN and ±Infinity as the strings the diagnosis contract uses.</summary>
internal static class CompactJson
{
    public static string Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);
}
