using System.Collections.Immutable;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>A table with each column's profile and, for numeric columns, its parsed values (NaN where missing or not a number).</summary>
/// <param name="Label">Index of the label column, or −1.</param>
/// <param name="Numbers">Per column: the values when the column is numeric, else null.</param>
/// <param name="Cells">Per column: the raw cells.</param>
/// <param name="RowIds">Per row: the display id (<c>file#row</c> or the id column's value).</param>
internal sealed record TableProfile(string File, string Split, ImmutableArray<AuditColumn> Columns, int Label,
    ImmutableArray<double[]?> Numbers, ImmutableArray<string?[]> Cells, ImmutableArray<string> RowIds)
{
    public int Rows => RowIds.Length;
}
