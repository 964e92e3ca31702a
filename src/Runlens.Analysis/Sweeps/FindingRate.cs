namespace Runlens.Analysis.Sweeps;

/// <summary>How many runs of one level had a finding of one rule.</summary>
/// <param name="Rule">The rule slug, e.g. <c>divergence</c>.</param>
/// <param name="RuleId">The rule id, e.g. <c>RL0107</c>.</param>
/// <param name="Runs">Runs of this level with at least one finding of the rule.</param>
/// <param name="Share">Runs / runs of the level (0–1).</param>
public sealed record FindingRate(string Rule, string RuleId, int Runs, double Share);
