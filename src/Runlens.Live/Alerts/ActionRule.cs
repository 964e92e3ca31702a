using Runlens.Analysis.Findings;
using Runlens.Live.Control;

namespace Runlens.Live.Alerts;

/// <summary>A control action decided when a finding of <paramref name="Rule"/> (id, slug or <c>*</c>) with at least
/// <paramref name="MinSeverity"/> is present. <paramref name="Factor"/> is set for <see cref="ControlVerb.ReduceLr"/> only.</summary>
public sealed record ActionRule(string Rule, ControlVerb Do, double? Factor, Severity MinSeverity)
{
    /// <summary>True for the wildcard entry <c>*</c>.</summary>
    public bool IsWildcard => Rule == "*";
}
