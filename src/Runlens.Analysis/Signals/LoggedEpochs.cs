using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>
/// The epoch each finite point of a series was logged in, for the ranges that a training-metrics reference gives by epoch
/// ("epochs 1–5: 0.3–0.8"): the logged epoch (at least 1: the first epoch is epoch 1 whether the trainer counts from 0 or
/// logs fractions of it), or, for a series logged without epochs, its position (one log per epoch, as per-epoch metrics
/// are logged).
/// </summary>
public sealed record LoggedEpochs(long[] Steps, double[] Values, double[] Epochs, bool FromLogIndex)
{
    public int Count => Values.Length;

    public static LoggedEpochs Of(Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.Points.Where(p => Finite.Is(p.Value)).ToList();
        var fromIndex = !points.Any(p => Finite.Is(p.Epoch));
        var epochs = new double[points.Count];
        var last = 1.0;
        for (var i = 0; i < points.Count; i++)
        {
            var e = fromIndex ? i + 1 : points[i].Epoch;
            last = Finite.Is(e) ? Math.Max(1, e) : last; // a point logged without its epoch keeps the one before
            epochs[i] = last;
        }

        return new([.. points.Select(p => p.Step)], [.. points.Select(p => p.Value)], epochs, fromIndex);
    }

    /// <summary>Indices of the points logged after <paramref name="epoch"/>.</summary>
    public int[] After(double epoch) => [.. Enumerable.Range(0, Count).Where(i => Epochs[i] > epoch)];
}
