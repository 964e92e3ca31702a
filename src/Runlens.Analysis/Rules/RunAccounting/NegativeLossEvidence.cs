using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0407: a loss is negative.</summary>
public sealed record NegativeLossEvidence(
    string Series,
    int NegativePoints,
    int Points,
    double MinValue,
    long MinStep,
    long FirstStep) : Evidence, ISeriesEvidence;
