using System.Collections.Immutable;
using Runlens.Agent.Experiments;

namespace Runlens.Agent.Registry;

/// <summary>One finished experiment of the registry (seed 003 §6): id, time, configuration, metrics with intervals, model
/// code, what the runs' diagnoses say, and the planner's decision with its reason.</summary>
/// <param name="Id"><c>E001</c>, <c>E002</c>, … in order.</param>
/// <param name="Base">The experiment whose configuration this one changed, or null.</param>
/// <param name="Changes">What changed from the base, each with why.</param>
/// <param name="PlanReason">Why this experiment was run.</param>
/// <param name="PlannedBy"><c>rules</c>, <c>llm</c> or <c>start</c>.</param>
/// <param name="ModelCode">The model's source, relative to the project.</param>
/// <param name="ModelSummary">Layers and parameter counts, or null when the model could not be checked.</param>
/// <param name="Improved">Whether it improved on the best experiment before it beyond seed noise (as the comparison of
/// their runs says); the stop criterion counts the experiments since the last one that did.</param>
/// <param name="Failure">Why the experiment gave no result (the model check failed, every run failed), or null.</param>
public sealed record ExperimentRecord(
    string Id,
    int Iteration,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    ExperimentConfig Config,
    string? Base,
    ImmutableArray<ConfigEditRecord> Changes,
    string PlanReason,
    string PlannedBy,
    string ModelCode,
    ModelSummaryRecord? ModelSummary,
    ImmutableArray<SeedRunRecord> Runs,
    EvaluationRecord? Evaluation,
    DiagnosisDigest? Diagnosis,
    ComparisonDigest? Comparison,
    ImpactDigest? Impact,
    bool Improved,
    DecisionRecord Decision,
    string? Failure);
