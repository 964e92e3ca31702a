using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0309: the logged mean entropy of the validation predictions is outside the range for the stage the run has
/// reached: below the overfit level (overconfident), or still at the early-training level late in the run (unsure).</summary>
public sealed record PredictionEntropyEvidence(
    string Series,
    string Level,
    long Step,
    double Epoch,
    bool EpochsFromLogIndex,
    double Value,
    double FirstValue,
    double ExpectedLow,
    double ExpectedHigh,
    double Threshold,
    int? Classes,
    double ScaleFactor,
    string? AccuracySeries,
    double? Accuracy,
    double? TrainAccuracy) : Evidence, ISeriesEvidence;
