using System.Net;
using System.Text;
using Polly;
using Polly.Timeout;
using Runlens.Live.Alerts.Delivery;

namespace Runlens.Live.Alerts;

/// <summary>
/// Posts each alert as JSON to a URL through the sinks' retry policy (<see cref="DeliveryRetryPolicy"/>): an overall
/// time-out around retries around a per-request time-out. Retried: 408, 429, 5xx, network errors and a request that timed
/// out; the server's <c>Retry-After</c> (seconds or a date) replaces the back-off. Any other status (2xx aside) fails at once.
/// </summary>
public sealed class WebhookAlertSink : IAlertSink
{
    private readonly HttpClient _http;
    private readonly WebhookFormat _format;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="url">Where to post.</param>
    /// <param name="format">Slack-compatible or generic JSON body.</param>
    /// <param name="http">The client to send with; the caller owns it.</param>
    /// <param name="options">Retries and time-outs; <see cref="DeliveryOptions.Default"/> when null.</param>
    /// <param name="headers">Extra request headers (e.g. <c>Authorization</c>).</param>
    /// <param name="time">The clock of back-off waits and time-outs; the system clock when null.</param>
    public WebhookAlertSink(Uri url, WebhookFormat format, HttpClient http, DeliveryOptions? options = null,
        IReadOnlyDictionary<string, string>? headers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(http);
        Url = url;
        _format = format;
        _http = http;
        _headers = headers ?? new Dictionary<string, string>();
        var clock = time ?? TimeProvider.System;
        var settings = options ?? DeliveryOptions.Default;
        _pipeline = DeliveryRetryPolicy.Build<HttpResponseMessage>(settings, clock,
            outcome => outcome.Exception is HttpRequestException || (outcome.Result is { } r && IsRetriable(r.StatusCode)),
            response => RetryAfter(response, settings.MaxDelay, clock));
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
            throw new WebhookDeliveryException(DeliveryRetryPolicy.NoAnswer(ex, attempts), ex) { Attempts = attempts };
        }
        catch (HttpRequestException ex)
        {
            throw new WebhookDeliveryException($"{ex.Message} after {DeliveryRetryPolicy.Attempts(attempts)}", ex) { Attempts = attempts };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookDeliveryException($"the request timed out after {DeliveryRetryPolicy.Attempts(attempts)}", ex) { Attempts = attempts };
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var code = (int)response.StatusCode;
            var how = IsRetriable(response.StatusCode)
                ? $"after {DeliveryRetryPolicy.Attempts(attempts)}"
                : "(not retried: the server refused the request)";
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
}
