using System.Text.Json.Nodes;

namespace Runlens.Agent.Logging;

/// <summary>One line of an agent log (schema <c>runlens.agent-log/v1</c>).</summary>
/// <param name="Event">What happened: <c>agent_started</c>, <c>plan</c>, <c>tool_call</c>, <c>tool_result</c>,
/// <c>llm_call</c>, <c>llm_retry</c>, <c>llm_fallback</c>, <c>run_finished</c>, <c>experiment_finished</c>,
/// <c>agent_stopped</c>, …</param>
/// <param name="CorrelationId">The goal's id: the same on every line of every log of the goal.</param>
/// <param name="Experiment">The experiment the line is about, or null.</param>
/// <param name="Tool">The tool called (<c>model_assembler</c>, <c>model_summary</c>, <c>trainer</c>,
/// <c>quick_evaluator</c>, <c>diagnosis</c>, <c>comparison</c>, <c>impact</c>, <c>store</c>), or null.</param>
/// <param name="Data">Details: durations, token counts, the prompt's size, the error.</param>
public sealed record AgentLogEntry(
    string Schema,
    DateTimeOffset Time,
    AgentLogLevel Level,
    string CorrelationId,
    string Event,
    string Message,
    string? Experiment,
    string? Tool,
    JsonObject? Data)
{
    public const string SchemaName = "runlens.agent-log/v1";
}
