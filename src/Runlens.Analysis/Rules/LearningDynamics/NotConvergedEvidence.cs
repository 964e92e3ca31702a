using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0106: the primary metric was still improving steadily over the last evaluations, and the final one is the best.</summary>
public sealed record NotConvergedEvidence(
    string Series,
    int Window,
    long FirstStep,
    double FirstValue,
    long FinalStep,
    double FinalValue,
    double RelativeGain,
    double Threshold,
    double TotalGainFraction,
    double ThresholdTotalGainFraction) : Evidence, ISeriesEvidence;
