namespace Runlens.Live.Alerts.Delivery;

/// <summary>Hands alerts to the sinks: every sink in parallel, each sink its alerts in order. A sink that fails (after its
/// own retries) becomes a readable warning line, and never stops the other sinks or the caller.</summary>
internal static class AlertDelivery
{
    /// <summary>Delivers <paramref name="alerts"/> to every sink; the warnings of the deliveries that failed.</summary>
    public static async Task<IReadOnlyList<string>> DeliverAsync(IReadOnlyList<IAlertSink> sinks, IReadOnlyList<Alert> alerts,
        CancellationToken cancellationToken)
    {
        if (alerts.Count == 0 || sinks.Count == 0)
        {
            return [];
        }

        var failures = await Task.WhenAll(sinks.Select(s => DeliverAsync(s, alerts, cancellationToken))).ConfigureAwait(false);
        return [.. failures.SelectMany(f => f)];
    }

    private static async Task<List<string>> DeliverAsync(IAlertSink sink, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        List<string> failures = [];
        foreach (var alert in alerts)
        {
            try
            {
                await sink.SendAsync(alert, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // a failing sink must never break the watcher or the other sinks: it becomes a warning
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"alert '{alert.Key}' not delivered to {sink.Name}: {ex.Message}");
            }
        }

        return failures;
    }
}
