namespace Runlens.Live.Alerts;

/// <summary>The body a webhook sink posts.</summary>
public enum WebhookFormat
{
    /// <summary><see cref="AlertPayloads.Slack"/>: <c>{"text": …, "blocks": […]}</c>.</summary>
    Slack,
    /// <summary><see cref="AlertPayloads.Json"/>: the <c>runlens.alert/v1</c> object.</summary>
    Json,
}
