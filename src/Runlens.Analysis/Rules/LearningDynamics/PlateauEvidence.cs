using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0104: the last evaluations of the primary metric improved less than the threshold on the earlier best.</summary>
public sealed record PlateauEvidence(
    string Series,
    int Window,
    long FirstStep,
    long LastStep,
    double BestBeforeWindow,
    double BestInWindow,
    double RelativeImprovement,
    double Threshold,
    double RelativeSpread,
    double ThresholdSpread,
    double MeanRelativeImprovement,
    double? GainRatio,
    double ThresholdGainRatio) : Evidence, ISeriesEvidence;
