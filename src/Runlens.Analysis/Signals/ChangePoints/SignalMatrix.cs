namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>An n × d signal (n samples of d dimensions), row-major. Every value must be finite.</summary>
public sealed class SignalMatrix
{
    private readonly double[] _values;

    private SignalMatrix(double[] values, int n, int d)
    {
        _values = values;
        N = n;
        D = d;
    }

    /// <summary>Number of samples.</summary>
    public int N { get; }

    /// <summary>Number of dimensions.</summary>
    public int D { get; }

    public double this[int i, int j] => _values[(i * D) + j];

    /// <summary>A one-dimensional signal.</summary>
    public static SignalMatrix FromValues(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new double[values.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Finite(values[i], i, 0);
        }

        return new SignalMatrix(copy, copy.Length, 1);
    }

    /// <summary>A signal of <paramref name="rows"/>, each holding the same number of values (d ≥ 1).</summary>
    public static SignalMatrix FromRows(IReadOnlyList<IReadOnlyList<double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var d = rows.Count == 0 ? 1 : rows[0].Count;
        if (d == 0)
        {
            throw new ArgumentException("a signal needs at least one dimension", nameof(rows));
        }

        var values = new double[rows.Count * d];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Count != d)
            {
                throw new ArgumentException($"row {i} has {rows[i].Count} values, the first row has {d}", nameof(rows));
            }

            for (var j = 0; j < d; j++)
            {
                values[(i * d) + j] = Finite(rows[i][j], i, j);
            }
        }

        return new SignalMatrix(values, rows.Count, d);
    }

    private static double Finite(double v, int i, int j) =>
        double.IsFinite(v) ? v : throw new ArgumentException($"sample {i} (dimension {j}) is {v}: change points need finite values");
}
