namespace Runlens.Analysis.Signals;

/// <summary>
/// Local baselines for outlier tests in long series: the median and MAD of consecutive blocks of the finite values.
/// A point is judged against the block before its own, which costs O(n log w) instead of a rolling median's O(n·w).
/// </summary>
internal sealed class BlockStats
{
    private readonly double[] _median;
    private readonly double[] _mad;

    public BlockStats(ReadOnlySpan<double> values, int block)
    {
        Block = Math.Max(2, block);
        var blocks = (values.Length + Block - 1) / Block;
        _median = new double[blocks];
        _mad = new double[blocks];
        for (var b = 0; b < blocks; b++)
        {
            var slice = values.Slice(b * Block, Math.Min(Block, values.Length - (b * Block)));
            var m = SeriesMath.Median(slice);
            var dev = new double[slice.Length];
            for (var i = 0; i < slice.Length; i++)
            {
                dev[i] = Math.Abs(slice[i] - m);
            }

            _median[b] = m;
            _mad[b] = SeriesMath.Median(dev) * RobustZ.NormalScale;
        }
    }

    public int Block { get; }

    /// <summary>Median and scaled MAD of the block before the one holding index <paramref name="i"/> (NaN for the first block).</summary>
    public (double Median, double Mad) Before(int i)
    {
        var b = (i / Block) - 1;
        return b < 0 ? (double.NaN, double.NaN) : (_median[b], _mad[b]);
    }
}
