using Runlens.Model;

namespace Runlens.Live.Alerts.Detectors;

/// <summary>Finds the series an alert config names.</summary>
internal static class SeriesLookup
{
    /// <summary>A Runlens key (<c>val/loss</c>), a name that normalises to one (<c>eval/loss</c>, <c>eval_loss</c>), or the
    /// name the trainer logged; null when the run has no such series (yet).</summary>
    public static Series? Find(Run run, string metric)
    {
        if (run.Series.TryGetValue(metric, out var s) || run.Series.TryGetValue(MetricNames.Normalize(metric), out s))
        {
            return s;
        }

        foreach (var candidate in run.Series.Values)
        {
            if (string.Equals(candidate.OriginalName, metric, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }
}
