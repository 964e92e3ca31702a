using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of a column check: the columns concerned with their profile.</summary>
/// <param name="Threshold">The check's limit (a fraction of missing values, a robust z), when it has one.</param>
/// <param name="Columns">The columns flagged.</param>
public sealed record ColumnsEvidence(int Examined, int Count, double? Threshold, ImmutableArray<AuditColumn> Columns)
    : AuditEvidence(Examined, Count);
