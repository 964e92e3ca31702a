using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0202: the training loss fell slowly and steadily and was still falling at the end (or the learning rate is tiny).</summary>
public sealed record LearningRateTooLowEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double Threshold,
    double Steadiness,
    double ThresholdSteadiness,
    double RelativeDropLastQuarter,
    double? LearningRate,
    double ThresholdTinyLearningRate) : Evidence, ISeriesEvidence;
