using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0304 from the validation predictions: classes whose F1 is far below the mean over classes.</summary>
public sealed record WeakClassesEvidence(
    string EvidenceSource,
    int Classes,
    double MeanF1,
    double Threshold,
    double F1Cut,
    int WeakClasses,
    int ZeroF1Classes,
    ImmutableArray<WeakClass> Weakest) : Evidence;
