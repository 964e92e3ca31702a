namespace Runlens.Reports.Contracts;

/// <summary>One value of a categorical key: its runs, those with the metric, the metric's median (null without), and the
/// share of its runs having each finding.</summary>
public sealed record LevelRateJson(string Value, int Runs, int RunsWithMetric, double? MetricMedian, IReadOnlyList<RuleRateJson> Findings);
