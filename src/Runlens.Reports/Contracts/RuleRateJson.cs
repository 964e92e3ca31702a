namespace Runlens.Reports.Contracts;

/// <summary>How many runs of a level have a rule's finding, and their share.</summary>
public sealed record RuleRateJson(string Rule, string Id, int Runs, double Share);
