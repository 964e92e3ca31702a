namespace Runlens.Live.Alerts;

/// <summary>Direction of a metric for <see cref="ThresholdAlert.RisePercent"/>.</summary>
public enum MetricDirection
{
    /// <summary>Decided from the name: the diagnosis' primary metric direction, else lower is better for losses and error
    /// rates (<see cref="Runlens.Model.MetricNames.IsLoss"/>), higher for everything else.</summary>
    Auto,
    LowerIsBetter,
    HigherIsBetter,
}
