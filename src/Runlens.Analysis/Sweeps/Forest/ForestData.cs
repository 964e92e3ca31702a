namespace Runlens.Analysis.Sweeps.Forest;

/// <summary>
/// The table a forest learns from, stored by column as scikit-learn's trees store it (features as float32, the target as
/// float64), with each column's row order sorted once so that no tree has to sort again.
/// </summary>
internal sealed class ForestData
{
    /// <param name="rows">[row][feature]; every row the same width.</param>
    /// <param name="target">[row].</param>
    public ForestData(IReadOnlyList<float[]> rows, IReadOnlyList<double> target)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(target);
        if (rows.Count == 0 || rows.Count != target.Count)
        {
            throw new ArgumentException("one target per row, and at least one row", nameof(target));
        }

        Rows = rows.Count;
        Features = rows[0].Length;
        Columns = new float[Features][];
        Order = new int[Features][];
        for (var f = 0; f < Features; f++)
        {
            var column = new float[Rows];
            for (var r = 0; r < Rows; r++)
            {
                if (rows[r].Length != Features)
                {
                    throw new ArgumentException($"row {r} has {rows[r].Length} features, row 0 has {Features}", nameof(rows));
                }

                column[r] = rows[r][f];
            }

            var order = Enumerable.Range(0, Rows).ToArray();
            // Stable: rows with equal values keep their index order (Array.Sort is not stable, so sort by (value, row)).
            Array.Sort(order, (a, b) => column[a] != column[b] ? column[a].CompareTo(column[b]) : a.CompareTo(b));
            Columns[f] = column;
            Order[f] = order;
        }

        Target = [.. target];
    }

    public int Rows { get; }

    public int Features { get; }

    /// <summary>[feature][row].</summary>
    public float[][] Columns { get; }

    /// <summary>[feature]: the rows in ascending order of that feature.</summary>
    public int[][] Order { get; }

    /// <summary>[row].</summary>
    public double[] Target { get; }
}
