namespace Runlens.Analysis.Signals;

/// <summary>Outlier scores that a few outliers cannot hide: median and MAD instead of mean and standard deviation.</summary>
public static class RobustZ
{
    /// <summary>1 / Φ⁻¹(3/4): scales the MAD to the standard deviation of normal data (scipy's <c>scale="normal"</c>).</summary>
    public const double NormalScale = 1.482602218505602;

    /// <summary>
    /// <c>(x − median) / (1.4826·MAD)</c> over the finite values; non-finite inputs give NaN. When the MAD is zero (more
    /// than half the values equal) every value equal to the median scores 0 and any other ±Infinity.
    /// </summary>
    public static double[] Scores(ReadOnlySpan<double> values)
    {
        var median = SeriesMath.Median(values);
        var deviations = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            deviations[i] = Finite.Is(values[i]) ? Math.Abs(values[i] - median) : double.NaN;
        }

        var mad = SeriesMath.Median(deviations) * NormalScale;
        var scores = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var d = values[i] - median;
            scores[i] = !Finite.Is(values[i]) ? double.NaN
                : mad > 0 ? d / mad
                : d == 0 ? 0
                : d > 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }

        return scores;
    }
}
