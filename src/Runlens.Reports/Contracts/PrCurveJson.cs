namespace Runlens.Reports.Contracts;

/// <summary>A precision-recall curve from the lowest threshold up, ending at (recall 0, precision 1), which has no
/// threshold (so <c>thresholds</c> has one value fewer); <c>points</c> is the curve's length before it was thinned to at
/// most 1,000 points.</summary>
public sealed record PrCurveJson(IReadOnlyList<double> Precision, IReadOnlyList<double> Recall, IReadOnlyList<double> Thresholds, int Points);
