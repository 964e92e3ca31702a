namespace Runlens.Audit.Results;

/// <summary>Evidence of a per-example check: how many were examined, how many crossed the threshold, the threshold,
/// and the worst and median measured values of those flagged.</summary>
/// <param name="Measure">What is measured, e.g. <c>variance of the Laplacian</c>.</param>
/// <param name="Threshold">The limit (null for checks without one, such as unreadable files).</param>
/// <param name="Fraction">Count / examined.</param>
/// <param name="Worst">The most extreme measured value among those flagged.</param>
/// <param name="Median">The median measured value among those flagged.</param>
public sealed record ThresholdEvidence(int Examined, int Count, string Measure, double? Threshold, double Fraction, double? Worst, double? Median)
    : AuditEvidence(Examined, Count);
