namespace Runlens.Live.Alerts;

/// <summary>The values of <see cref="Alert.Kind"/>.</summary>
public static class AlertKinds
{
    public const string Finding = "finding";
    public const string Threshold = "threshold";
    public const string ZScore = "zscore";
    public const string Stalled = "stalled";
}
