using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>
/// The outcome of one data audit (<c>runlens.audit/v1</c>): what was read, what every check found, and each example's
/// measured properties (which <c>runlens evaluate --audit</c> turns into slices). Immutable; renderers only render it.
/// </summary>
/// <param name="Path">The folder or file audited, as given.</param>
/// <param name="Summary">Status, headline and counts.</param>
/// <param name="Splits">The splits read (one named <c>all</c> when the data has no splits), with their class counts.</param>
/// <param name="Checks">Every check in the catalogue: whether it applied, ran and how many issues it found.</param>
/// <param name="Findings">One per check that found something, most severe first.</param>
/// <param name="Columns">Column profiles of tabular and text tables (empty for media folders).</param>
/// <param name="Examples">Every example (file or table row) with what was measured, in path order.</param>
/// <param name="Thumbnails">Small previews of the worst images, for the HTML page (empty unless asked for).</param>
/// <param name="Notes">What was skipped and why (files of unknown kind, links leading outside the folder).</param>
public sealed record AuditResult(
    string Path,
    AuditSummary Summary,
    ImmutableArray<AuditSplit> Splits,
    ImmutableArray<AuditCheckCount> Checks,
    ImmutableArray<AuditFinding> Findings,
    ImmutableArray<AuditColumn> Columns,
    ImmutableArray<AuditExample> Examples,
    ImmutableArray<AuditThumbnail> Thumbnails,
    ImmutableArray<string> Notes)
{
    /// <summary>The files (or rows) the checks that filter say to leave out of training and evaluation, sorted,
    /// without repeats: what <c>--write-filter</c> writes.</summary>
    public ImmutableArray<string> LeaveOut { get; init; } = [];
}
