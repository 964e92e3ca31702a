using System.Collections.Immutable;
using Runlens.Agent.Experiments;

namespace Runlens.Agent.Registry;

/// <summary>An experiment the planner chose and the loop has not finished yet: what <c>runlens agent resume</c> runs.</summary>
/// <param name="Base">The experiment whose configuration it starts from, or null for the first.</param>
public sealed record PlannedExperiment(string Id, ExperimentConfig Config, string? Base, ImmutableArray<ConfigEditRecord> Changes, string Reason, string Planner);
