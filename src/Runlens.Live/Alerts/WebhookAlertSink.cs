using System.Net;
using System.Text;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Runlens.Live.Alerts;

/// <summary>The body a webhook sink posts.</summary>
public enum WebhookFormat
{
    /// <summary><see cref="AlertPayloads.Slack"/>: <c>{"text": …, "blocks": […]}</c>.</summary>
    Slack,
    /// <summary><see cref="AlertPayloads.Json"/>: the <c>runlens.alert/v1</c> object.</summary>
    Json,
}

/// <summary>A webhook delivery failed after its retries, or was refused (a 4xx other than 408/429 is not retried).</summary>
public sealed class WebhookDeliveryException : Exception
{
    public WebhookDeliveryException()
    {
    }

    public WebhookDeliveryException(string message)
        : base(message)
    {
    }

    public WebhookDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Requests sent for this alert.</summary>
    public int Attempts { get; init; }

    /// <summary>The last HTTP status, when an answer came.</summary>
    public HttpStatusCode? Status { get; init; }
}

/// <summary>
/// Posts each alert as JSON to a URL, with a Polly 8 pipeline: an overall time-out around retries (408, 429, 5xx and network
/// errors or a request time-out; exponential back-off with jitter from <see cref="WebhookOptions.BaseDelay"/>, or the server's
/// <c>Retry-After</c> when it sends one, capped at <see cref="WebhookOptions.MaxDelay"/>) around a per-request time-out.
/// Any other status (2xx aside) fails at once.
/// </summary>
public sealed class WebhookAlertSink : IAlertSink
{
    private readonly HttpClient _http;
    private readonly WebhookFormat _format;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    /// <param name="url">Where to post.</param>
    /// <param name="format">Slack-compatible or generic JSON body.</param>
    /// <param name="http">The client to send with; the caller owns it.</param>
    /// <param name="options">Retries and time-outs; <see cref="WebhookOptions.Default"/> when null.</param>
    /// <param name="headers">Extra request headers (e.g. <c>Authorization</c>).</param>
    /// <param name="time">The clock of back-off waits and time-outs; the system clock when null.</param>
    public WebhookAlertSink(Uri url, WebhookFormat format, HttpClient http, WebhookOptions? options = null,
        IReadOnlyDictionary<string, string>? headers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(http);
        Url = url;
        _format = format;
        _http = http;
        _options = options ?? WebhookOptions.Default;
        _headers = headers ?? new Dictionary<string, string>();
        _time = time ?? TimeProvider.System;
        _pipeline = Build(_options, _time);
    }

    public Uri Url { get; }

    public string Name => (_format == WebhookFormat.Slack ? "slack " : "webhook ") + Url.GetLeftPart(UriPartial.Path);

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var body = _format == WebhookFormat.Slack ? AlertPayloads.Slack(alert) : AlertPayloads.Json(alert);
        var attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, Url)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                foreach (var (name, value) in _headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(name, value))
                    {
                        request.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                return await _http.SendAsync(request, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new WebhookDeliveryException($"no answer within {Seconds(ex.Timeout)} after {Attempts(attempts)}", ex)
            {
                Attempts = attempts,
            };
        }
        catch (HttpRequestException ex)
        {
            throw new WebhookDeliveryException($"{ex.Message} after {Attempts(attempts)}", ex) { Attempts = attempts };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookDeliveryException($"the request timed out after {Attempts(attempts)}", ex) { Attempts = attempts };
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var code = (int)response.StatusCode;
            var how = IsRetriable(response.StatusCode) ? $"after {Attempts(attempts)}" : "(not retried: the server refused the request)";
            throw new WebhookDeliveryException($"HTTP {code} {response.ReasonPhrase} {how}")
            {
                Attempts = attempts,
                Status = response.StatusCode,
            };
        }
    }

    /// <summary>408 Request Timeout, 429 Too Many Requests and every 5xx are worth another try.</summary>
    public static bool IsRetriable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static ResiliencePipeline<HttpResponseMessage> Build(WebhookOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        builder.AddTimeout(options.Timeout);
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsRetriable(r.StatusCode)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxDelay, time)),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>The wait a <c>Retry-After</c> header asks for (seconds or a date), at most <paramref name="max"/>; null when
    /// there is none, so the exponential back-off applies.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } w)
        {
            return null;
        }

        return w < TimeSpan.Zero ? TimeSpan.Zero : w > max ? max : w;
    }

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
