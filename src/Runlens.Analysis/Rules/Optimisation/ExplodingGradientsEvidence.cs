using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0203: the gradient norm jumps by orders of magnitude, is persistently huge, unstable, or not finite.</summary>
public sealed record ExplodingGradientsEvidence(
    string Series,
    int Points,
    double Median,
    double MaxValue,
    long? MaxStep,
    int Jumps,
    int SpreadJumps,
    double ThresholdJumpFactor,
    long? FirstJumpStep,
    ImmutableArray<long> JumpSteps,
    int NonFinitePoints,
    long? FirstNonFiniteStep,
    double ThresholdHugeNorm,
    double GradNormStd,
    double ThresholdStdConcerning,
    double ThresholdStdCritical,
    int LearningRateDrivenJumps,
    double ThresholdLearningRateRise,
    double? Clip) : Evidence, ISeriesEvidence;
