using Runlens.Model;

namespace Runlens.Storage.Search;

/// <summary>
/// How a metric name in a search meets the names runs logged: <c>metrics.NAME</c> names, on each run, the metric logged
/// under exactly NAME, else the metric whose Runlens key is NAME; a name that names no metric of a run is tried again in
/// its normalised form. So <c>metrics.eval_loss</c> is the metric a run logged as <c>eval_loss</c>,
/// <c>metrics.val_loss</c> also finds runs that logged only <c>eval_loss</c> (both are <c>val/loss</c>), and
/// <c>metrics."val/loss"</c> is every run's validation loss whatever it was logged as.
/// </summary>
public static class MetricVocabulary
{
    /// <summary>The normalised form a search tries for a name that names no metric of a run. A name without a split
    /// prefix stays as it is (<c>loss</c> is not read as <c>train/loss</c>: trainers differ on what a bare name means).</summary>
    public static string Normalize(string name) => MetricNames.Normalize(name, bareSplit: null);

    /// <summary>The latest value of the metric <paramref name="name"/> names on a stored run, or null.</summary>
    public static LatestMetric? Find(RunRecord run, string name)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(name);
        return Named(run, name) ?? (Normalize(name) is var key && key != name ? Named(run, key) : null);
    }

    private static LatestMetric? Named(RunRecord run, string name)
    {
        if (run.Metrics.TryGetValue(name, out var logged))
        {
            return logged;
        }

        foreach (var metric in run.Metrics.Values)
        {
            if (metric.Key == name)
            {
                return metric;
            }
        }

        return null;
    }
}
