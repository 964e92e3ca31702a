using Runlens.Analysis.Findings;

namespace Runlens.Live.Alerts;

/// <summary>A point whose |z| against the mean and standard deviation of the previous <paramref name="Window"/> finite
/// points of the series reaches <paramref name="Z"/>.</summary>
public sealed record ZScoreAlert(string Metric, double Z, int Window, Severity Severity)
{
    /// <summary>The fewest earlier points a z-score is computed from.</summary>
    public int MinPoints => Math.Min(Window, 10);
}
