namespace Runlens.Model;

/// <summary>
/// One logged value. <paramref name="Value"/> may be NaN or ±Infinity: those are legal values and survive every path.
/// <paramref name="Epoch"/> and <paramref name="WallTime"/> are NaN when unknown.
/// </summary>
/// <param name="Step">Global step (or epoch index for per-epoch logs).</param>
/// <param name="Value">The logged value.</param>
/// <param name="Epoch">Fractional epoch, NaN when unknown.</param>
/// <param name="WallTime">Seconds since the Unix epoch, NaN when unknown.</param>
public readonly record struct SeriesPoint(long Step, double Value, double Epoch = double.NaN, double WallTime = double.NaN);
