namespace Runlens.Reports.Contracts;

/// <summary>A recommendation across runs: its kind, one sentence, the runs it is about, and the config change it implies.</summary>
public sealed record ComparisonRecommendationJson(string Kind, string Action, IReadOnlyList<string> Runs, IReadOnlyDictionary<string, ConfigChangeJson> ConfigChange);
