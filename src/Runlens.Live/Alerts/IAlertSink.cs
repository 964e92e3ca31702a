namespace Runlens.Live.Alerts;

/// <summary>Somewhere alerts go. <see cref="SendAsync"/> throws when the alert could not be delivered (after the sink's own
/// retries); <see cref="AlertEngine"/> turns that into a warning and carries on with the other sinks.</summary>
public interface IAlertSink
{
    /// <summary>A short name for warnings: <c>console</c>, <c>file alerts.jsonl</c>, <c>slack https://…</c>.</summary>
    string Name { get; }

    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}
