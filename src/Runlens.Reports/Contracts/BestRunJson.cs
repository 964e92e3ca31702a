namespace Runlens.Reports.Contracts;

/// <summary>The best run, its value and step on the primary metric, the second run and the margin to it.</summary>
public sealed record BestRunJson(string Run, string Metric, double Value, long Step, string? Second, double? Margin);
