using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0303: labels that the out-of-sample predicted probabilities confidently contradict (confident learning).</summary>
public sealed record LabelNoiseEvidence(
    string EvidenceSource,
    int Examples,
    int LabelIssues,
    double IssueFraction,
    double EstimatedNoiseFraction,
    double Threshold,
    int UnassignedExamples,
    double Accuracy,
    ImmutableArray<ClassThreshold> ClassThresholds,
    ImmutableArray<LabelPair> TopPairs,
    ImmutableArray<SuspectedLabel> SuspectedExamples,
    double ValLossRise,
    double ThresholdValLossRise) : Evidence;
