namespace Runlens.Reports.Contracts;

/// <summary>Whether the best run's margin is beyond seed-to-seed noise: the verdict, a sentence, the seed keys, the
/// margin, pooled std, noise and the groups of runs that differ only by seed.</summary>
public sealed record SeedsJson(string Verdict, string Message, IReadOnlyList<string> SeedKeys, double? Margin, double? PooledStd, double? Noise, IReadOnlyList<SeedGroupJson> Groups);
