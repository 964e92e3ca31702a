using System.Collections.Immutable;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;

namespace Runlens.Agent.Loop;

/// <summary>What running one planned experiment produced before it is judged: the model code and summary, each seed's
/// outcome and its analysis (evaluated and diagnosed as it finished), and where the time went (the model check and
/// training are the Python side; the rest is the agent's own work).</summary>
/// <param name="TrainingTime">From the first seed's start to the last seed's end.</param>
/// <param name="AnalysisTail">The analysis that ran after the last seed ended (the rest overlapped training).</param>
public sealed record ExperimentResult(
    PlannedExperiment Plan,
    int Iteration,
    DateTimeOffset Started,
    string ModelCode,
    ModelSummaryRecord? Summary,
    IReadOnlyList<SeedOutcome> Outcomes,
    string? Failure,
    TimeSpan CheckTime,
    TimeSpan TrainingTime,
    TimeSpan AssemblyTime,
    ImmutableArray<SeedAnalysis> Analyses,
    TimeSpan AnalysisTail);
