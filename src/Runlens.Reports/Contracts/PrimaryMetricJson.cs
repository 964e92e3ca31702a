namespace Runlens.Reports.Contracts;

/// <summary>The metric runs are ranked by: key, direction, why it was chosen, whether every run chose it, each run's own
/// choice by label, and a note.</summary>
public sealed record PrimaryMetricJson(string Key, bool GreaterIsBetter, string Source, bool Agreed, IReadOnlyDictionary<string, string?> PerRun, string? Note);
