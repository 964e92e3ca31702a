namespace Runlens.Reports.Contracts;

/// <summary>A ROC curve: false and true positive rates at each threshold, from (0, 0) at the threshold
/// <c>"Infinity"</c> up; <c>points</c> is the curve's length before it was thinned to at most 1,000 points.</summary>
public sealed record RocCurveJson(IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, IReadOnlyList<double> Thresholds, int Points);
