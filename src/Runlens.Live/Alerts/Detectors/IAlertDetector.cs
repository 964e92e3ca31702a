namespace Runlens.Live.Alerts.Detectors;

/// <summary>Decides what is worth an alert in one look at a growing run: findings that hold, values that cross a limit,
/// outliers, a run gone quiet. A detector reads no clock, sends nothing and does not know what was sent before; it may
/// remember how far into the run it has read (so a look costs O(new points)). Whether a candidate is sent is the
/// <see cref="Policy.AlertGate"/>'s decision.</summary>
internal interface IAlertDetector
{
    /// <summary>Adds the candidates of this look to <paramref name="candidates"/>, in the order they should be sent; adds
    /// nothing when nothing holds.</summary>
    void Detect(DetectorInput input, List<AlertCandidate> candidates);
}
