using Runlens.Analysis.Diagnoses;

namespace Runlens.Reports.Contracts;

/// <summary>Findings grouped by cause: its id, title, worst severity, explanation, the rules in it and the action to take first.</summary>
public sealed record RootCauseJson(string Id, string Title, string Severity, string? Explanation, IReadOnlyList<string> Rules, string? FixFirst)
{
    public static RootCauseJson From(RootCause c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Title, FindingJson.SeverityText(c.Severity), c.Explanation, c.Rules, c.FixFirst?.Action);
    }
}
