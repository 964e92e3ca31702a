using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0407: the training loss is exactly 0.0 on many logs.</summary>
public sealed record ZeroLossEvidence(
    string Series,
    int ZeroPoints,
    int Points,
    double ZeroFraction,
    long FirstStep,
    long LastStep,
    double Threshold,
    double? LogResolution,
    int RoundedZeroPoints) : Evidence, ISeriesEvidence;
