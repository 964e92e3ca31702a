namespace Runlens.Reports.Contracts;

/// <summary>How steady a run trained: the loss' std over the last part of training, non-finite losses, and the gradient
/// norm's median and maximum.</summary>
public sealed record StabilityJson(string? LossKey, double? LossStd, long? LossStdFromStep, int LossStdPoints, int NonFiniteLoss, double? GradNormMedian, double? GradNormMax);
