namespace Runlens.Agent.Goals;

/// <summary>What a goal sentence says: each part null when the sentence does not say it.</summary>
public sealed record ParsedGoalText(string? Metric, double? Threshold, string? Dataset);
