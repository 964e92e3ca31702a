using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0307: a slice of the validation data scores far below the best slice.</summary>
public sealed record SliceGapEvidence(
    string EvidenceSource,
    string Column,
    string Kind,
    ImmutableArray<double> Edges,
    double OverallAccuracy,
    double OverallMacroF1,
    string BestSlice,
    double BestAccuracy,
    string WorstSlice,
    double WorstAccuracy,
    double Gap,
    double GapToOverall,
    double Threshold,
    double ThresholdExamples,
    double Z,
    ImmutableArray<string> SlicesBelow,
    ImmutableArray<SliceScore> Slices,
    int SkippedExamples) : Evidence;
