using Runlens.Analysis.Findings;

namespace Runlens.Live.Alerts;

/// <summary>Which findings alert: those of <paramref name="Rule"/> (an id such as <c>RL0101</c>, a slug such as
/// <c>overfitting</c>, or <c>*</c>) with at least <paramref name="MinSeverity"/>; null turns the rule off.</summary>
public sealed record AlertRuleFilter(string Rule, Severity? MinSeverity)
{
    /// <summary>True for the wildcard entry <c>*</c>.</summary>
    public bool IsWildcard => Rule == "*";
}
