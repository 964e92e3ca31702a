using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.AcrossRuns;

/// <summary>RL0601: the spread of the primary metric across runs that differ only by seed.</summary>
public sealed record SeedVarianceEvidence(
    string Metric,
    int Seeds,
    ImmutableArray<double> Values,
    double Mean,
    double Std,
    double Range,
    double Ci95HalfWidth,
    double Threshold,
    double? ClaimedDifference,
    string? BestSeed) : Evidence;
