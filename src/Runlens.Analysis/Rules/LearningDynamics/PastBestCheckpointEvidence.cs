using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0102: the final evaluation is well past the best one.</summary>
public sealed record PastBestCheckpointEvidence(
    string Series,
    bool GreaterIsBetter,
    long BestStep,
    double BestValue,
    double BestEpoch,
    long FinalStep,
    double FinalValue,
    double RelativeGap,
    double Threshold,
    long StepsPastBest,
    int EvalsPastBest,
    double PastBestFraction,
    string? BestCheckpoint,
    int CheckpointsSaved,
    double MedianChangeBetweenEvals,
    double RelativeGainOnFirst,
    double RelativeTrainLossDrop,
    double GapFractionOfGain,
    double ThresholdFractionOfGain) : Evidence, ISeriesEvidence;
