namespace Runlens.Reports.Contracts;

/// <summary>One run's curve of a metric: best and final points, the step it reached the target (null: never), its value at
/// the last common step, and its point count.</summary>
public sealed record CurveJson(PointJson Best, PointJson Final, long? TargetStep, double? AtCommonStep, int Points);
