using Runlens.Analysis.Findings;

namespace Runlens.Reports.Contracts;

/// <summary>One finding: the rule (slug and id), severity, confidence (3 decimals), title, evidence (written by
/// <see cref="EvidenceJson"/>), steps, series, root cause, recommendations and the rule's documentation page.</summary>
public sealed record FindingJson(
    string Rule,
    string Id,
    string Severity,
    double Confidence,
    string Title,
    Evidence Evidence,
    IReadOnlyList<long> Steps,
    IReadOnlyList<string> Series,
    string? RootCause,
    IReadOnlyList<RecommendationJson> Recommendations,
    string Docs)
{
    public static FindingJson From(Finding f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Rule, f.RuleId, SeverityText(f.Severity), Math.Round(f.Confidence, 3), f.Title, f.Evidence, f.Steps, f.SeriesKeys, f.RootCause,
            [.. f.Recommendations.Select(RecommendationJson.From)], $"docs/rules/{f.RuleId}.md");
    }

    /// <summary>A severity as the contracts write it: <c>info</c>, <c>warning</c>, <c>error</c>.</summary>
    public static string SeverityText(Severity severity) => severity.ToString().ToLowerInvariant();
}
