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

        // One scratch buffer for every block (a block is small: sorting its copy is quicker than selecting, and the median
        // of the same values is the same number either way).
        Span<double> scratch = Block <= 256 ? stackalloc double[Block] : new double[Block];
        for (var b = 0; b < blocks; b++)
        {
            var slice = values.Slice(b * Block, Math.Min(Block, values.Length - (b * Block)));
            var m = FiniteMedian(slice, scratch);
            var n = 0;
            foreach (var x in slice)
            {
                var dev = Math.Abs(x - m);
                if (Finite.Is(dev))
                {
                    scratch[n++] = dev;
                }
            }

            _median[b] = m;
            _mad[b] = SortedMedian(scratch[..n]) * RobustZ.NormalScale;
        }
    }

    /// <summary>The median of the finite values of <paramref name="slice"/> (NaN when none), as
    /// <see cref="SeriesMath.Median"/> gives it.</summary>
    private static double FiniteMedian(ReadOnlySpan<double> slice, Span<double> scratch)
    {
        var n = CopyFinite(slice, scratch);
        var median = SortedMedian(scratch[..n]);
        if (median == 0 && n > 1)
        {
            // A zero median may be +0 or -0 depending on where a sort puts equal zeros of both signs: sorted again from the
            // same order with the framework's sort, it is the zero it always was.
            n = CopyFinite(slice, scratch);
            scratch[..n].Sort();
            var mid = n / 2;
            median = n % 2 == 1 ? scratch[mid] : (scratch[mid - 1] + scratch[mid]) / 2;
        }

        return median;
    }

    private static int CopyFinite(ReadOnlySpan<double> slice, Span<double> into)
    {
        var n = 0;
        foreach (var x in slice)
        {
            if (Finite.Is(x))
            {
                into[n++] = x;
            }
        }

        return n;
    }

    /// <summary>Sorts <paramref name="a"/> (finite values) and gives its median: the middle value, or the mean of the two
    /// middle ones computed as <see cref="SeriesMath.Median"/> does ((lower + upper) / 2); NaN when empty. Finite values
    /// that compare equal are the same bits except +0 and -0, so any sort gives the same median unless it is zero (see
    /// <see cref="FiniteMedian"/>; the absolute deviations are never -0).</summary>
    private static double SortedMedian(Span<double> a)
    {
        if (a.Length == 0)
        {
            return double.NaN;
        }

        if (a.Length <= InsertionSortUpTo)
        {
            InsertionSort(a);
        }
        else
        {
            a.Sort();
        }

        var mid = a.Length / 2;
        return a.Length % 2 == 1 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
    }

    /// <summary>Blocks up to this size are sorted by <see cref="InsertionSort"/>: the framework's sort of doubles is a
    /// generic instantiation ReadyToRun leaves to the JIT, and a one-off process ran its unoptimised first compilation
    /// over most of a million-point series' blocks.</summary>
    private const int InsertionSortUpTo = 64;

    private static void InsertionSort(Span<double> a)
    {
        for (var i = 1; i < a.Length; i++)
        {
            var x = a[i];
            var j = i - 1;
            while (j >= 0 && a[j] > x)
            {
                a[j + 1] = a[j];
                j--;
            }

            a[j + 1] = x;
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
