using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Audit.Results;

/// <summary>What one check found over the whole dataset: a title with the count and the threshold, the typed evidence,
/// every issue with its files and measured values, and what to do.</summary>
/// <param name="RuleId">Stable id, e.g. <c>RL0706</c>.</param>
/// <param name="Rule">Stable slug, e.g. <c>blurry-image</c>.</param>
/// <param name="Severity">info, warning or error.</param>
/// <param name="Confidence">0–1.</param>
/// <param name="Title">One line with the count and the threshold.</param>
/// <param name="Evidence">The check's own typed numbers.</param>
/// <param name="Issues">Every example (or column) concerned, worst first.</param>
/// <param name="Recommendations">What to do, one sentence each.</param>
/// <param name="RootCause">Why it matters for training, one sentence.</param>
/// <param name="LeaveOut">True when the issues' files belong in the filter list (<c>--write-filter</c>).</param>
public sealed record AuditFinding(
    [property: System.Text.Json.Serialization.JsonPropertyName("id")] string RuleId,
    string Rule,
    Severity Severity,
    double Confidence,
    string Title,
    AuditEvidence Evidence,
    ImmutableArray<AuditIssue> Issues,
    ImmutableArray<string> Recommendations,
    string RootCause,
    bool LeaveOut);
