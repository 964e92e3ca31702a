using System.Collections.Immutable;
using Runlens.Audit.Results;

namespace Runlens.Reports.Audit;

/// <summary>The <c>runlens.audit/v1</c> document: the result as written for programs (thumbnails are the HTML page's only).</summary>
internal sealed record AuditDocument(
    string Schema,
    string Path,
    AuditSummary Summary,
    ImmutableArray<AuditSplit> Splits,
    ImmutableArray<AuditCheckCount> Checks,
    ImmutableArray<AuditFinding> Findings,
    ImmutableArray<AuditColumn> Columns,
    ImmutableArray<string> LeaveOut,
    ImmutableArray<string> Notes,
    ImmutableArray<AuditExample> Examples)
{
    public const string SchemaName = "runlens.audit/v1";

    public static AuditDocument Of(AuditResult r) =>
        new(SchemaName, r.Path, r.Summary, r.Splits, r.Checks, r.Findings, r.Columns, r.LeaveOut, r.Notes, r.Examples);
}
