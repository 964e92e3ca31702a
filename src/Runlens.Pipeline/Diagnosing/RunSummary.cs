namespace Runlens.Pipeline.Diagnosing;

/// <summary>A run's diagnosis as the runs table shows it, kept with the run in the store.</summary>
/// <param name="Version">The <see cref="RunVersion.Key"/> it was made under (the cache key).</param>
/// <param name="Status"><c>healthy</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="Findings">Finding counts by severity.</param>
public sealed record RunSummary(string Version, string Status, Dictionary<string, int> Findings, string? Primary, double? Best, long? BestStep, double? Final, long? FinalStep);
