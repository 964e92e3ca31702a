using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0408: the evaluation set has fewer examples than the threshold, read from the run's dataset sizes or from
/// the steps its accuracy moves in.</summary>
public sealed record EvalTooSmallEvidence(
    string EvidenceSource,
    string? AccuracySeries,
    long Examples,
    int DistinctValues,
    double FinalAccuracy,
    double StandardError,
    double Threshold,
    double ThresholdDistinct) : Evidence;
