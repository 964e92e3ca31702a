using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0408: the evaluation set has fewer examples than the threshold, read from the run's dataset sizes, the rows
/// of the validation predictions or the steps its accuracy moves in, or it lacks some classes altogether (accuracy 1 with
/// macro-F1 below 1).</summary>
public sealed record EvalTooSmallEvidence(
    string EvidenceSource,
    string? AccuracySeries,
    long? Examples,
    int DistinctValues,
    double FinalAccuracy,
    double StandardError,
    double Threshold,
    double ThresholdDistinct,
    string? MacroF1Series,
    long? AbsentClassesStep,
    double MacroF1,
    double AbsentClassFraction,
    int? Classes,
    int? AbsentClasses) : Evidence;
