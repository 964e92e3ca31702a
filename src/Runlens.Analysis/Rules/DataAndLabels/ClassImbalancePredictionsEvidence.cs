using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0301 from the validation predictions: accuracy far above macro-F1, or at or below the majority-class baseline.</summary>
public sealed record ClassImbalancePredictionsEvidence(
    string EvidenceSource,
    double Accuracy,
    double MacroF1,
    double Gap,
    double Threshold,
    string MajorityClass,
    double MajorityFraction,
    double MajorityBaselineAccuracy,
    bool BelowMajorityBaseline,
    string SmallestClass,
    ImmutableArray<ClassSupport> Supports) : Evidence;
