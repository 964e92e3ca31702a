using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0104: the last evaluations of the primary metric improved less than the threshold on the earlier best; when
/// the learning rate had already decayed to a sliver of its peak long before, since when (the schedule ran out).</summary>
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
    double ThresholdGainRatio,
    long FlatSinceStep,
    double FlatFraction,
    double ThresholdFlatFraction,
    long? LearningRateFloorSinceStep = null,
    double? LearningRateFloorFraction = null,
    double? LearningRatePeak = null,
    double? ThresholdLearningRateFloor = null) : Evidence, ISeriesEvidence;
