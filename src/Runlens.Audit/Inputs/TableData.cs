using System.Collections.Immutable;

namespace Runlens.Audit.Inputs;

/// <summary>A table read whole as text cells (numbers in the invariant culture), column by column; null is missing.</summary>
/// <param name="File">The file's display path.</param>
/// <param name="Split">The split it belongs to.</param>
/// <param name="Columns">Column names in file order.</param>
/// <param name="Cells">One array per column, one cell per row.</param>
/// <param name="Notes">Columns left out (nested values) and rows that could not be read.</param>
internal sealed record TableData(string File, string Split, ImmutableArray<string> Columns, ImmutableArray<string?[]> Cells, ImmutableArray<string> Notes)
{
    public int Rows => Cells.IsEmpty ? 0 : Cells[0].Length;
}
