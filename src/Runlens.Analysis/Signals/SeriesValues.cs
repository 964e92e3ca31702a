using System.Runtime.CompilerServices;
using Runlens.Model;

namespace Runlens.Analysis.Signals;

/// <summary>
/// The values of a series as one array, computed once per series and shared by every rule that reads it (a run of
/// millions of points would otherwise be copied by each rule). The array is shared: read it, never write to it.
/// </summary>
public static class SeriesValues
{
    private static readonly ConditionalWeakTable<Series, double[]> Cache = new();

    public static double[] Of(Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Cache.GetValue(series, static s => s.Values());
    }
}
