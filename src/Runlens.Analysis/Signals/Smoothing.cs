namespace Runlens.Analysis.Signals;

/// <summary>Exponential moving averages.</summary>
public static class Smoothing
{
    /// <summary>
    /// EMA <c>s_t = α·x_t + (1 − α)·s_{t−1}</c> starting from the first finite value (pandas
    /// <c>ewm(alpha=α, adjust=False, ignore_na=True).mean()</c>). A non-finite value leaves the average unchanged: its
    /// output repeats the previous one (NaN before the first finite value).
    /// </summary>
    public static double[] Ema(ReadOnlySpan<double> values, double alpha)
    {
        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1]");
        }

        var result = new double[values.Length];
        var s = double.NaN;
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            if (Finite.Is(x))
            {
                s = double.IsNaN(s) ? x : (alpha * x) + ((1 - alpha) * s);
            }

            result[i] = s;
        }

        return result;
    }

    /// <summary>The α of an EMA with the given span (pandas <c>span</c>): <c>2 / (span + 1)</c>.</summary>
    public static double AlphaForSpan(double span) =>
        span >= 1 ? 2 / (span + 1) : throw new ArgumentOutOfRangeException(nameof(span), span, "span must be at least 1");
}
