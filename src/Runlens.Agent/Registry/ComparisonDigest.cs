namespace Runlens.Agent.Registry;

/// <summary>The comparison of the goal's experiments so far (<c>runlens compare</c> over their runs): the best
/// experiment, its margin over the next configuration and the seed noise it is weighed against.</summary>
/// <param name="Metric">The metric the comparison ranks by (the runs' primary metric).</param>
/// <param name="BestExperiment">The experiment of the best configuration.</param>
/// <param name="Verdict">The comparison's seed verdict (<c>beyond_seed_noise</c>, <c>within_seed_noise</c>, …).</param>
/// <param name="Message">The comparison's conclusion, one sentence.</param>
public sealed record ComparisonDigest(string? Metric, string? BestExperiment, double? Margin, double? Noise, string Verdict, string Message);
