using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0304 from the logged per-label metrics: classes whose last F1 is far below the mean over classes.</summary>
public sealed record WeakClassesLoggedEvidence(
    string EvidenceSource,
    int Classes,
    double MeanF1,
    double Threshold,
    double F1Cut,
    int WeakClasses,
    int ZeroF1Classes,
    long Step,
    ImmutableArray<LoggedWeakClass> Weakest) : Evidence;
