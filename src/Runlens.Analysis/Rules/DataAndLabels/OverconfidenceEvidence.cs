using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0308: the predicted probabilities are more confident than the accuracy warrants.</summary>
public sealed record OverconfidenceEvidence(
    double Ece,
    double Threshold,
    double MeanConfidence,
    double Accuracy,
    double ConfidenceGap,
    double ThresholdGap,
    double? EntropyMean,
    double? LogLoss,
    int Examples) : Evidence;
