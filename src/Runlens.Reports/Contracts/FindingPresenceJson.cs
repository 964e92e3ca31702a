namespace Runlens.Reports.Contracts;

/// <summary>A finding across runs: rule, id, series, worst severity, the most severe instance's title, and the runs that have it.</summary>
public sealed record FindingPresenceJson(string Rule, string Id, IReadOnlyList<string> Series, string Severity, string Title, IReadOnlyList<string> Runs);
