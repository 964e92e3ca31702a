using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary>The quick evaluator's result for one experiment (seed 003's result structure): every metric of
/// <c>runlens evaluate --seeds</c> aggregated over the seeds, the best seed by the goal metric, and whether the goal is
/// reached.</summary>
/// <param name="NumSeeds">Seeds whose predictions were evaluated.</param>
/// <param name="Aggregated">Every metric by name (<c>f1_macro</c>, <c>accuracy</c>, <c>log_loss</c>, …).</param>
/// <param name="BestSeed">The seed with the best goal metric.</param>
/// <param name="GoalMetric">The goal's metric.</param>
/// <param name="GoalValue">The figure held against the threshold (the mean or the interval's bound); null when no seed gave it.</param>
/// <param name="GoalAchieved">Whether <paramref name="GoalValue"/> reaches the threshold.</param>
/// <param name="Findings">The data and label rules' and the seed-variance rule's findings over the seeds, as <c>rule: title</c>.</param>
public sealed record EvaluationRecord(
    int NumSeeds,
    ImmutableSortedDictionary<string, MetricInterval> Aggregated,
    int? BestSeed,
    string GoalMetric,
    double? GoalValue,
    bool GoalAchieved,
    ImmutableArray<string> Findings);
