namespace Runlens.Agent.Registry;

/// <summary>What the planner decided after an experiment.</summary>
/// <param name="Action"><c>refine</c> (run <paramref name="Next"/>), <c>goal_achieved</c> or <c>stop</c>.</param>
/// <param name="Reason">Why, in a sentence or two.</param>
/// <param name="Planner"><c>rules</c> or <c>llm</c>: who decided.</param>
/// <param name="FellBack">The LLM planner was asked and could not give a valid plan, so the rule-based planner decided.</param>
/// <param name="Next">The experiment planned next, or null.</param>
public sealed record DecisionRecord(string Action, string Reason, string Planner, bool FellBack, string? Next);
