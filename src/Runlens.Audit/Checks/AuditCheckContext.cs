using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>What a check sees: the measured dataset and its own option values.</summary>
internal sealed class AuditCheckContext(AuditData data, AuditCheck check, RuleSettings settings)
{
    public AuditData Data { get; } = data;

    /// <summary>The value of one of the check's declared options.</summary>
    public double Option(string name)
    {
        var d = check.Descriptor;
        var option = d.Options.FirstOrDefault(o => o.Name == name)
            ?? throw new InvalidOperationException($"check {d.Slug} reads undeclared option '{name}'");
        return settings.Values.TryGetValue(d.Slug + "." + name, out var v) ? v : option.Default;
    }

    /// <summary>A finding with the check's id and slug filled in.</summary>
    public AuditCheckOutcome Found(int examined, Severity severity, double confidence, string title, AuditEvidence evidence,
        IEnumerable<AuditIssue> issues, string rootCause, params string[] recommendations) =>
        new(examined, new AuditFinding(check.Descriptor.Id, check.Descriptor.Slug, severity, Math.Clamp(confidence, 0, 1), title, evidence,
            [.. issues], [.. recommendations], rootCause, check.LeaveOut));

    public static AuditCheckOutcome Nothing(int examined) => new(examined, null);

    /// <summary>The issue for one example, with its split and label filled in.</summary>
    public static AuditIssue Issue(AuditExample e, string reason, double? value = null) =>
        new(e.Path, reason, value) { Split = e.Split, Label = e.Label };

    public static ImmutableSortedDictionary<string, int> CountBy<T>(IEnumerable<T> items, Func<T, string> key) =>
        items.GroupBy(key, StringComparer.Ordinal).ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
