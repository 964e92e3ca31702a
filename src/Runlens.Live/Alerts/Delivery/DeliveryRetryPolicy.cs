using System.Globalization;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Runlens.Live.Alerts.Delivery;

/// <summary>
/// The one retry policy of the sinks that deliver over the network (webhook, Slack, e-mail), built with Polly from
/// <see cref="DeliveryOptions"/>: an overall time-out (<see cref="DeliveryOptions.Timeout"/>, all attempts and waits) around
/// retries (<see cref="DeliveryOptions.Retries"/>, exponential back-off with jitter from <see cref="DeliveryOptions.BaseDelay"/>
/// capped at <see cref="DeliveryOptions.MaxDelay"/>, or the wait the server asks for, also capped) around a per-attempt
/// time-out (<see cref="DeliveryOptions.AttemptTimeout"/>). An attempt that timed out is always retried; which other
/// failures are worth another try is the sink's protocol's business (HTTP statuses, SMTP reply codes).
/// </summary>
internal static class DeliveryRetryPolicy
{
    /// <param name="options">Retries, back-off and time-outs.</param>
    /// <param name="time">The clock of the waits and time-outs.</param>
    /// <param name="isTransient">Whether an attempt's outcome (a result or an exception) is worth another try.</param>
    /// <param name="serverWait">The wait the server asked for in a result (an HTTP <c>Retry-After</c>), if any.</param>
    public static ResiliencePipeline<T> Build<T>(DeliveryOptions options, TimeProvider time, Func<Outcome<T>, bool> isTransient,
        Func<T, TimeSpan?>? serverWait = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(isTransient);
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = time };
        builder.AddTimeout(options.Timeout);
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is TimeoutRejectedException || isTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(
                    serverWait is not null && args.Outcome.Exception is null && args.Outcome.Result is { } result
                        ? Cap(serverWait(result), options.MaxDelay)
                        : null),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary><c>1 attempt</c>, <c>4 attempts</c>.</summary>
    public static string Attempts(int n) => n == 1 ? "1 attempt" : n.ToString(CultureInfo.InvariantCulture) + " attempts";

    /// <summary>The failure text of a delivery that ran out of time: <c>no answer within 0.4 s after 1 attempt</c>.</summary>
    public static string NoAnswer(TimeoutRejectedException timeout, int attempts)
    {
        ArgumentNullException.ThrowIfNull(timeout);
        return $"no answer within {timeout.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s after {Attempts(attempts)}";
    }

    private static TimeSpan? Cap(TimeSpan? wait, TimeSpan max) =>
        wait is not { } w ? null : w < TimeSpan.Zero ? TimeSpan.Zero : w > max ? max : w;
}
