namespace Runlens.Live.Alerts;

/// <summary>Where alerts go.</summary>
public enum AlertSinkKind
{
    Console,
    File,
    Slack,
    Webhook,
    Email,
}
