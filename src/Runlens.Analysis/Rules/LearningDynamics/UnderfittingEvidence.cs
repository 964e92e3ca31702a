using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0105: the training loss barely fell, and the validation loss (when logged) sits as high.</summary>
public sealed record UnderfittingEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double Threshold,
    string? ValSeries,
    double? RelativeValGap,
    double ThresholdGap,
    int Points) : Evidence, ISeriesEvidence;
