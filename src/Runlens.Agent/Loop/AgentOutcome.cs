namespace Runlens.Agent.Loop;

/// <summary>How an agent run ended: the project folder, the registry's status and stop reason, the best experiment and
/// its judged goal figure, and the log of this run.</summary>
public sealed record AgentOutcome(string Project, string Status, string? StopReason, string? BestExperiment, double? BestValue, int Experiments, string Log);
