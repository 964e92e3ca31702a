using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0302: predictions concentrated on one class, a single trivial output, or an inverted label distribution.</summary>
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
    ImmutableArray<ClassShare> Distribution) : Evidence;
