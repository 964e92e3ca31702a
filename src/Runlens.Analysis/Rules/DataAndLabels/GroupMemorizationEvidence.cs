using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0306: predictions are uniform within groups beyond what the labels explain.</summary>
public sealed record GroupMemorizationEvidence(
    string EvidenceSource,
    string GroupColumn,
    int Groups,
    int ExamplesInGroups,
    int SkippedSmallGroups,
    int ConsistentGroups,
    double ConsistentGroupFraction,
    double Threshold,
    double ThresholdGroupConsistency,
    double LabelConsistentGroupFraction,
    double ExcessOverLabels,
    int ConsistentButWrongGroups,
    double ConsistentButWrongFraction,
    double MeanGroupConsistency,
    double MeanLabelConsistency,
    double Accuracy,
    double? TrainingConsistentGroupFraction,
    ImmutableArray<GroupConsistency> WorstGroups) : Evidence;
