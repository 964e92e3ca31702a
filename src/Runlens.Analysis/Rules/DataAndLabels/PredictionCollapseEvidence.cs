using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0302: predictions concentrated on one class, a single trivial output, an inverted label distribution, or an
/// accuracy no better than a trivial guess.</summary>
public sealed record PredictionCollapseEvidence(
    int Examples,
    int Classes,
    int ClassesPredicted,
    int ClassesLabelled,
    string TopPredictedClass,
    double TopPredictedFraction,
    double TopPredictedLabelFraction,
    double Threshold,
    string MajorityClass,
    double MajorityLabelFraction,
    bool Inverted,
    double Accuracy,
    double ChanceAccuracy,
    double ChanceMargin,
    double BalancedAccuracy,
    double BalancedMargin,
    bool AtChance,
    ImmutableArray<ClassShare> Distribution) : Evidence;
