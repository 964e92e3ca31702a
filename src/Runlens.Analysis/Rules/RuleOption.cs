namespace Runlens.Analysis.Rules;

/// <summary>A tunable threshold of a rule: set with <c>--set slug.name=value</c>.</summary>
public sealed record RuleOption(string Name, double Default, string Description);
