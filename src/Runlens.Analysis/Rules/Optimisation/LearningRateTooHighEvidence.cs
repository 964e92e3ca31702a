using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0201: the training loss oscillates (or its gradients sit at the clip) without making progress.</summary>
public sealed record LearningRateTooHighEvidence(
    string Series,
    double Oscillation,
    double Threshold,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double ThresholdDrop,
    double ClippedFraction,
    double? LearningRate) : Evidence, ISeriesEvidence;
