using Runlens.Agent.Goals;

namespace Runlens.Agent.Configuration;

/// <summary>
/// Everything an agent run is configured with, from one YAML file (seed 003 §8; <c>docs/agent.md</c>): where project
/// folders go, the Python interpreter, the store, the planner and each LLM role, retry policies, evaluation settings,
/// the trainer and its limits, stop criteria and the default budget.
/// </summary>
/// <param name="Projects">The folder each goal's project folder is created in.</param>
/// <param name="Python">The Python interpreter that runs the reference trainer and the model check.</param>
/// <param name="Store">The run store (<c>--store</c> syntax), or null for <c>$RUNLENS_STORE</c> or the default store.</param>
/// <param name="Planner"><c>rules</c> (deterministic, the default) or <c>llm</c>.</param>
/// <param name="GenerateModels">Whether the tools' LLM writes the model code instead of the built-in templates (the
/// code is checked in a subprocess before use; a template is used when it fails).</param>
/// <param name="File">The file it was read from, or null for the defaults.</param>
public sealed record AgentConfig(
    string Projects,
    string Python,
    string? Store,
    string Planner,
    LlmRoleSettings Planning,
    LlmRoleSettings Tools,
    bool GenerateModels,
    RetrySettings Retry,
    EvaluationSettings Evaluation,
    TrainerSettings Trainer,
    StopSettings Stop,
    AgentBudget Budget,
    string? File = null)
{
    public static AgentConfig Default { get; } = new(
        "agent-projects",
        System.IO.File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3",
        null,
        "rules",
        LlmRoleSettings.Local,
        LlmRoleSettings.Local,
        false,
        RetrySettings.Default,
        EvaluationSettings.Default,
        TrainerSettings.Default,
        StopSettings.Default,
        AgentBudget.Default);
}
