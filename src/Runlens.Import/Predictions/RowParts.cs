namespace Runlens.Import.Predictions;

/// <summary>A table's rows cut into contiguous parts, one per core (none under 65,536 rows, so that small files stay on
/// one thread), each part run on its own core.</summary>
internal static class RowParts
{
    private const int MinRows = 65_536;

    /// <summary>How many parts <paramref name="rows"/> rows are cut into.</summary>
    public static int Count(int rows) => Math.Max(1, Math.Min(Environment.ProcessorCount, rows / MinRows));

    /// <summary>Runs <paramref name="body"/>(part, first row, one past the last row) for each of <paramref name="parts"/>
    /// parts of <paramref name="rows"/> rows, in parallel.</summary>
    public static void For(int rows, int parts, Action<int, int, int> body) =>
        Parallel.For(0, parts, part => body(part, (int)((long)rows * part / parts), (int)((long)rows * (part + 1) / parts)));
}
