using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0305: class pairs confused more often than the threshold, worst first.</summary>
public sealed record ConfusionPairsEvidence(
    int Pairs,
    double Threshold,
    double ThresholdCount,
    string WorstTrue,
    string WorstPredicted,
    double WorstRate,
    long WorstCount,
    bool Mutual,
    ImmutableArray<ConfusionPair> Confused) : Evidence;
