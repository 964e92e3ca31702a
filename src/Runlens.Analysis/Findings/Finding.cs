using System.Collections.Immutable;

namespace Runlens.Analysis.Findings;

/// <summary>One conclusion of one rule about one run.</summary>
/// <param name="RuleId">Stable id, e.g. <c>RL0101</c>.</param>
/// <param name="Rule">Stable slug, e.g. <c>overfitting</c>.</param>
/// <param name="Severity">info, warning or error.</param>
/// <param name="Confidence">0–1: how sure the rule is.</param>
/// <param name="Title">One line with the key number.</param>
/// <param name="Evidence">The numbers behind it.</param>
/// <param name="Steps">Steps the finding points at (best step, first bad step, …).</param>
/// <param name="Recommendations">What to do.</param>
/// <param name="RootCause">Why this likely happens, one or two sentences; null when the rule cannot say.</param>
/// <param name="Series">Series keys the finding is about (for charts).</param>
public sealed record Finding(
    string RuleId,
    string Rule,
    Severity Severity,
    double Confidence,
    string Title,
    Evidence Evidence,
    ImmutableArray<long> Steps,
    ImmutableArray<Recommendation> Recommendations,
    string? RootCause = null,
    ImmutableArray<string> Series = default)
{
    public ImmutableArray<string> SeriesKeys => Series.IsDefault ? [] : Series;
}
