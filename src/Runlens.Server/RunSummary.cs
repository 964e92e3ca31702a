namespace Runlens.Server;

/// <summary>A run's diagnosis as the runs table shows it.</summary>
/// <param name="Points">How many points the run had when it was diagnosed (the cache key).</param>
/// <param name="Status"><c>healthy</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="Findings">Finding counts by severity.</param>
internal sealed record RunSummary(long Points, string Status, Dictionary<string, int> Findings, string? Primary, double? Best, long? BestStep, double? Final, long? FinalStep);
