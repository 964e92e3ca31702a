namespace Runlens.Reports.Contracts;

/// <summary>A metric across runs: direction, target (given or the worst run's best), the last common step, and each run's
/// curve by label (null when the run does not log it).</summary>
public sealed record MetricCurvesJson(string Key, bool GreaterIsBetter, double? Target, bool TargetGiven, long? CommonStep, IReadOnlyDictionary<string, CurveJson?> Runs);
