using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0201: the training loss oscillates (or its gradients sit at the clip) without making progress, or turns
/// upward after an early best; with the learning rate where it turned and the model family's usual range.</summary>
public sealed record LearningRateTooHighEvidence(
    string Series,
    double Oscillation,
    double Threshold,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double ThresholdDrop,
    double ClippedFraction,
    double? LearningRate,
    long? TurnStep,
    double TurnLevel,
    double Rise,
    double ThresholdRise,
    double? LearningRateAtTurn,
    double? PeakLearningRate,
    string? PriorFamily,
    double? PriorLow,
    double? PriorHigh,
    string? PriorSource,
    double? PriorRatio,
    double EarlyPeak = double.NaN,
    double? ChanceLoss = null,
    double? BlowUp = null,
    double ThresholdBlowUp = double.NaN) : Evidence, ISeriesEvidence;
