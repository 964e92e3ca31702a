namespace Runlens.Reports.Contracts;

/// <summary>Runs with the same settings but the seed: their best primary values and spread.</summary>
public sealed record SeedGroupJson(IReadOnlyList<string> Runs, IReadOnlyList<double> Values, double Mean, double? Std, double Min, double Max, bool SeedsDiffer);
