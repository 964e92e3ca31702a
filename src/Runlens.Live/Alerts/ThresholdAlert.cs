using Runlens.Analysis.Findings;

namespace Runlens.Live.Alerts;

/// <summary>Limits on the values of one series. A point crosses <paramref name="Above"/> when it is greater, <paramref name="Below"/>
/// when it is smaller, <paramref name="RisePercent"/> when it is more than that many percent worse than the best value of the
/// series before it. NaN crosses every limit.</summary>
/// <param name="Metric">The series: a Runlens key (<c>train/loss</c>, <c>val/loss</c>), a name that normalises to one
/// (<c>eval/loss</c>, <c>eval_loss</c>), or the name the trainer logged.</param>
public sealed record ThresholdAlert(
    string Metric, double? Above, double? Below, double? RisePercent, MetricDirection Direction, Severity Severity);
