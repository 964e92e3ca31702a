using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0310: the logged group (speaker) consistency — the share of groups whose examples all get one prediction —
/// is above the suspicious level over the last evaluations.</summary>
public sealed record GroupConsistencyEvidence(
    string Series,
    long FirstStep,
    long LastStep,
    int Window,
    double Median,
    double FinalValue,
    double Threshold,
    double ExpectedLow,
    double ExpectedHigh,
    double? RandomBaseline,
    string? AccuracySeries,
    double? Accuracy,
    string? EntropySeries,
    double? Entropy) : Evidence, ISeriesEvidence;
