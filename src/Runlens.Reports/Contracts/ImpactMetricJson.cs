namespace Runlens.Reports.Contracts;

/// <summary>The metric of an impact analysis: key, why it was chosen, direction, and which value of each run (best or final).</summary>
public sealed record ImpactMetricJson(string? Key, string Source, bool GreaterIsBetter, string Value);
