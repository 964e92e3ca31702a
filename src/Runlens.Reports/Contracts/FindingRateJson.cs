namespace Runlens.Reports.Contracts;

/// <summary>Finding rates per value of one categorical key.</summary>
public sealed record FindingRateJson(string Parameter, IReadOnlyList<LevelRateJson> Levels);
