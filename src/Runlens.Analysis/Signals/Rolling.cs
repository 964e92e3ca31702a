namespace Runlens.Analysis.Signals;

/// <summary>Rolling-window statistics (pandas <c>rolling(window)</c> with the default <c>min_periods = window</c>).</summary>
public static class Rolling
{
    /// <summary>Mean of each window ending at i; NaN until the first full window and for windows holding a non-finite value.</summary>
    public static double[] Mean(ReadOnlySpan<double> values, int window) => Apply(values, window, static w => Sum(w) / w.Length);

    /// <summary>
    /// Sample standard deviation (ddof = 1, as pandas' default) of each window ending at i — seed 001's
    /// <c>loss_std</c> and <c>grad_norm_std</c>. NaN until the first full window, for windows holding a non-finite value,
    /// and for a window of 1.
    /// </summary>
    public static double[] StdDev(ReadOnlySpan<double> values, int window) => Apply(values, window, static w =>
    {
        if (w.Length < 2)
        {
            return double.NaN;
        }

        var mean = Sum(w) / w.Length;
        var ss = 0.0;
        foreach (var v in w)
        {
            ss += (v - mean) * (v - mean);
        }

        return Math.Sqrt(ss / (w.Length - 1));
    });

    /// <summary>
    /// Mean and sample standard deviation (ddof = 1) of consecutive, non-overlapping blocks of <paramref name="window"/>
    /// values (a trailing partial block is left out): one pass, for series of millions of points. A block holding a
    /// non-finite value gives NaN.
    /// </summary>
    public static (double[] Mean, double[] StdDev) Blocks(ReadOnlySpan<double> values, int window)
    {
        if (window < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 2");
        }

        var count = values.Length / window;
        var means = new double[count];
        var stds = new double[count];
        for (var b = 0; b < count; b++)
        {
            var block = values.Slice(b * window, window);
            var mean = Sum(block) / window;
            var ss = 0.0;
            foreach (var x in block)
            {
                ss += (x - mean) * (x - mean);
            }

            means[b] = mean;
            stds[b] = Finite.Is(mean) ? Math.Sqrt(ss / (window - 1)) : double.NaN;
        }

        return (means, stds);
    }

    private delegate double WindowStat(ReadOnlySpan<double> window);

    private static double[] Apply(ReadOnlySpan<double> values, int window, WindowStat stat)
    {
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "window must be at least 1");
        }

        var result = new double[values.Length];
        var lastNonFinite = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (!Finite.Is(values[i]))
            {
                lastNonFinite = i;
            }

            var start = i - window + 1;
            result[i] = start < 0 || lastNonFinite >= start ? double.NaN : stat(values.Slice(start, window));
        }

        return result;
    }

    private static double Sum(ReadOnlySpan<double> w)
    {
        var s = 0.0;
        foreach (var v in w)
        {
            s += v;
        }

        return s;
    }
}
