using System.Collections.Immutable;
using Runlens.Agent.Experiments;

namespace Runlens.Agent.Goals;

/// <summary>What the agent works towards: the goal in words, its target, the data set, the seeds every experiment runs,
/// the budget, and optionally the configuration to start from.</summary>
/// <param name="Text">The goal as the user wrote it.</param>
/// <param name="Name">A short name: the project folder's and the store experiment's.</param>
/// <param name="Dataset">A data set the trainer reads: <c>sklearn:digits</c>, <c>csv:PATH</c>, <c>module:PATH.py:FUNCTION</c>.</param>
/// <param name="Seeds">The seeds each experiment is trained with (at least two, so the spread is known).</param>
/// <param name="Start">The first experiment's configuration, or null for the planner's default start.</param>
/// <param name="Label">The label column of a <c>csv:</c> data set (null: the trainer's default, <c>target</c>).</param>
public sealed record AgentGoal(string Text, string Name, GoalTarget Target, string Dataset, ImmutableArray<int> Seeds, AgentBudget Budget, ExperimentConfig? Start = null, string? Label = null);
