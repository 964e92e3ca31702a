using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0207: the logged per-batch loss spread (<c>loss_std</c>) is outside the range expected for its epoch: above
/// the severe level consistently, never below the mixed-quality level, rising over the run, or a sudden spike.</summary>
public sealed record LossStdEvidence(
    string Series,
    string Level,
    long FirstStep,
    long LastStep,
    double FirstEpoch,
    double LastEpoch,
    bool EpochsFromLogIndex,
    int Points,
    double Median,
    double MinValue,
    double MaxValue,
    long MaxStep,
    double FinalValue,
    double ExpectedLow,
    double ExpectedHigh,
    double Threshold,
    double? ValueBefore) : Evidence, ISeriesEvidence;
