using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runlens.Agent.Experiments;
using Runlens.Agent.Logging;

namespace Runlens.Agent.Registry;

/// <summary>The agent's contracts (<c>runlens.agent-registry/v1</c>, <c>runlens.agent-log/v1</c>,
/// <c>runlens.agent-experiment/v1</c>, the LLM's plan) through one source-generated context: snake_case, enums as
/// snake_case strings, NaN and infinities as strings, text as is, nulls written.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(AgentRegistry))]
[JsonSerializable(typeof(AgentLogEntry))]
[JsonSerializable(typeof(ExperimentConfig))]
[JsonSerializable(typeof(ModelConfig))]
[JsonSerializable(typeof(ModelSummaryRecord))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(ImmutableArray<int>))]
[JsonSerializable(typeof(ImmutableArray<ConfigEditRecord>))]
[JsonSerializable(typeof(ComparisonDigest))]
[JsonSerializable(typeof(ImpactDigest))]
[JsonSerializable(typeof(MetricInterval))]
[JsonSerializable(typeof(DiagnosisDigest))]
[JsonSerializable(typeof(DecisionRecord))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
