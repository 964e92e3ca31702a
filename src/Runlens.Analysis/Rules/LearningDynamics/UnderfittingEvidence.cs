using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0105: the training loss barely fell, and the validation loss (when logged) sits as high; at chance level (ln K)
/// when it never left the loss of a uniform guess; settled when it fell, then levelled off far above a fitted model's loss.</summary>
public sealed record UnderfittingEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double Threshold,
    string? ValSeries,
    double? RelativeValGap,
    double ThresholdGap,
    int Points,
    int? Classes,
    double? ChanceLevel,
    string? ClassesSource,
    bool AtChance,
    double ThresholdChanceBand,
    string? SaturatingActivation,
    int? Layers,
    double ThresholdDeepLayers,
    bool Settled,
    double RelativeLateFall,
    double ThresholdSettledLevel,
    double ThresholdSettledFall,
    double? SettledReference) : Evidence, ISeriesEvidence;
