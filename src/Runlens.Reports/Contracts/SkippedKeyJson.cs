namespace Runlens.Reports.Contracts;

/// <summary>A config key left out of the analysis, and why.</summary>
public sealed record SkippedKeyJson(string Key, string Reason);
