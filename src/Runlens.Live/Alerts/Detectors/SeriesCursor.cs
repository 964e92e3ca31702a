using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>How far into one series a detector has read, so that each look reads only the points that arrived since the
/// previous one.</summary>
internal sealed class SeriesCursor
{
    public string? Key { get; private set; }

    /// <summary>How many points of the series have been read.</summary>
    public int Seen { get; set; }

    /// <summary>True when <see cref="Advance"/> started over (first sight, another series, or the series shrank).</summary>
    public bool Fresh { get; private set; }

    /// <summary>The index of the first point to check: the newest point on first sight (older points are history), else
    /// the first unseen one. A series shorter than what was read (a restarted run) counts as first sight.</summary>
    public int Advance(Series series)
    {
        Fresh = Key != series.Key || series.Count < Seen;
        if (Fresh)
        {
            Key = series.Key;
            Seen = 0;
            return Math.Max(0, series.Count - 1);
        }

        return Seen;
    }
}
