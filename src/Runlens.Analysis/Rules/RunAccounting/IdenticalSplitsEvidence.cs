using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0407: training and validation metrics are identical at every point.</summary>
public sealed record IdenticalSplitsEvidence(
    ImmutableArray<string> Metrics,
    int LongestIdenticalPoints) : Evidence;
