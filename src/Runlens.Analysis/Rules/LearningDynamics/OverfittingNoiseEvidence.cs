using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0101: the validation loss rose after its minimum, but no more than it moves between evaluations anyway.</summary>
public sealed record OverfittingNoiseEvidence(
    string Level,
    string Series,
    long BestStep,
    double BestValue,
    long FinalStep,
    double FinalValue,
    double RelativeRise,
    double Threshold,
    double MedianChangeBetweenEvals,
    int RisesAfterBest,
    int EvalsAfterBest,
    double ThresholdNoiseFactor) : Evidence, ISeriesEvidence;
