using System.Collections.Immutable;
using Runlens.Agent.Goals;

namespace Runlens.Agent.Registry;

/// <summary>
/// <c>registry.json</c> (schema <c>runlens.agent-registry/v1</c>): every experiment of one goal, in order, and what
/// comes next. Written whole, atomically, after each experiment (<see cref="RegistryFile"/>), so a reader (or
/// <c>runlens agent resume</c>) always sees a complete document.
/// </summary>
/// <param name="CorrelationId">The goal's id, carried into every experiment, log line, LLM call and stored run (tag
/// <c>runlens.agent.correlation_id</c>).</param>
/// <param name="Status"><c>running</c>, <c>goal_achieved</c> or <c>stopped</c>.</param>
/// <param name="StopReason">Why the agent stopped, or null while it runs.</param>
/// <param name="SpentSeconds">Wall-clock seconds spent on the goal so far, over every start and resume.</param>
/// <param name="Next">The experiment planned next and not finished yet, or null.</param>
public sealed record AgentRegistry(
    string Schema,
    string Goal,
    string Name,
    string CorrelationId,
    GoalTarget Target,
    string Dataset,
    ImmutableArray<int> Seeds,
    AgentBudget Budget,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string Status,
    string? StopReason,
    double SpentSeconds,
    ImmutableArray<ExperimentRecord> Experiments,
    PlannedExperiment? Next)
{
    public const string SchemaName = "runlens.agent-registry/v1";

    public const string Running = "running";
    public const string GoalAchieved = "goal_achieved";
    public const string Stopped = "stopped";

    /// <summary>Training runs so far (every seed of every experiment).</summary>
    public int RunsUsed => Experiments.Sum(e => e.Runs.Length);
}
