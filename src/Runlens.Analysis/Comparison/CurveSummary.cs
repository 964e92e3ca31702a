namespace Runlens.Analysis.Comparison;

/// <summary>One metric's curve in one run, summarised.</summary>
/// <param name="Summary">Best and final finite value, with their steps.</param>
/// <param name="Points">Logged points (non-finite ones included).</param>
/// <param name="TargetStep">The first step at which the value is at least as good as the target; null when never.</param>
/// <param name="AtCommonStep">The last finite value at or before the common step (the last step every run reached); null
/// when the run has none there.</param>
public sealed record CurveSummary(MetricSummary Summary, int Points, long? TargetStep, double? AtCommonStep);
