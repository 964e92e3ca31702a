using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0208: the logged spread of the gradient norm (<c>grad_norm_std</c>) stays above the concerning level after the
/// first epoch.</summary>
public sealed record GradNormStdEvidence(
    string Series,
    string Level,
    long FirstStep,
    long LastStep,
    int Points,
    int PointsAbove,
    double Median,
    double MaxValue,
    long MaxStep,
    double ExpectedLow,
    double ExpectedHigh,
    double Threshold,
    double ThresholdCritical,
    double? GradNormMedian,
    double? ClipValue) : Evidence, ISeriesEvidence;
