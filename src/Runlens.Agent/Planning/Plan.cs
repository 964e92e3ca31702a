using System.Collections.Immutable;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;

namespace Runlens.Agent.Planning;

/// <summary>A planner's decision: the action, why, and for <see cref="PlanAction.Refine"/> the next configuration with
/// each change from its base and the reason for it.</summary>
/// <param name="Base">The experiment the next configuration starts from.</param>
/// <param name="Planner"><c>rules</c> or <c>llm</c>.</param>
/// <param name="FellBack">The LLM was asked and gave no valid plan, so the rule-based planner decided.</param>
public sealed record Plan(PlanAction Action, string Reason, ExperimentConfig? Next, string? Base, ImmutableArray<ConfigEditRecord> Changes, string Planner, bool FellBack = false)
{
    /// <summary>The action as the registry writes it.</summary>
    public string ActionName => Action switch
    {
        PlanAction.Refine => "refine",
        PlanAction.GoalAchieved => "goal_achieved",
        _ => "stop",
    };
}
