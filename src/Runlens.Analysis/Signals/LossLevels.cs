using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>Where a loss started and where it ended: the medians of its first and last <c>fraction</c> of logs, for rules
/// that judge how far a loss moved. Only for series with enough logs and a positive start and end (a loss at or below
/// zero is suspicious-values' case).</summary>
/// <param name="Values">The loss values (shared, read only).</param>
/// <param name="Head">Median of the first part.</param>
/// <param name="Tail">Median of the last part.</param>
public readonly record struct LossLevels(Series Series, double[] Values, double Head, double Tail)
{
    /// <summary>Relative fall from head to tail (negative when the loss rose).</summary>
    public double Drop => (Head - Tail) / Head;

    /// <summary>The levels of <paramref name="loss"/>, or null when it has fewer than <paramref name="minPoints"/> logs or
    /// does not start and end above zero.</summary>
    public static LossLevels? Of(Series loss, double minPoints, double fraction = 0.1)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var v = SeriesValues.Of(loss);
        if (v.Length < minPoints)
        {
            return null;
        }

        var (head, tail) = SeriesMath.HeadTail(v, fraction);
        return head > 0 && tail > 0 ? new LossLevels(loss, v, head, tail) : null;
    }
}
