namespace Runlens.Reports.Contracts;

/// <summary>The run an alert is about.</summary>
public sealed record AlertRunJson(string Id, string Name);
