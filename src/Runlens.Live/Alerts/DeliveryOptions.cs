namespace Runlens.Live.Alerts;

/// <summary>Retries and time-outs of the sinks that deliver over the network: webhook, Slack and e-mail (the alert config's
/// <c>retries</c>, <c>retry_delay_seconds</c>, <c>timeout_seconds</c>).</summary>
/// <param name="Retries">Retries after the first attempt (0–10) on failures another try may fix (HTTP 408, 429, 5xx; SMTP
/// 4xx replies; network errors; an attempt that timed out).</param>
/// <param name="BaseDelay">Median delay before the first retry; it doubles with each retry, with jitter. A wait the server
/// asks for (HTTP <c>Retry-After</c>) replaces it (up to <paramref name="MaxDelay"/>).</param>
/// <param name="MaxDelay">The longest wait between two attempts.</param>
/// <param name="AttemptTimeout">Time-out of one attempt (one request, one SMTP session).</param>
/// <param name="Timeout">Time-out of a delivery, all attempts and waits together.</param>
public sealed record DeliveryOptions(int Retries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout, TimeSpan Timeout)
{
    /// <summary>3 retries from 1 s, waits up to 30 s, 10 s per attempt, 60 s in all.</summary>
    public static DeliveryOptions Default { get; } = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(60));
}
