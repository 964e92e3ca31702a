using System.Collections.Immutable;

namespace Runlens.Analysis.Comparison;

/// <summary>One metric across the runs, its curves aligned by step.</summary>
/// <param name="Key">Series key.</param>
/// <param name="GreaterIsBetter">Direction (the primary metric's from the diagnoses; otherwise lower is better for losses and error rates).</param>
/// <param name="Target">The value steps-to-target are measured against (see <see cref="ComparisonOptions.Target"/>); for
/// metrics other than the primary, always the worst run's best value; null for the learning rate and the gradient norm, which are not scores.</param>
/// <param name="TargetGiven">Whether <paramref name="Target"/> was given rather than taken from the worst run.</param>
/// <param name="CommonStep">The last step every run with this metric reached (the smallest final step); null when no run has a value.</param>
/// <param name="PerRun">Each run's curve, null where the run did not log the metric (or logged no finite value).</param>
public sealed record MetricCurves(string Key, bool GreaterIsBetter, double? Target, bool TargetGiven, long? CommonStep, ImmutableArray<CurveSummary?> PerRun);
