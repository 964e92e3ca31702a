using System.Net;

namespace Runlens.Live.Alerts;

/// <summary>A webhook delivery failed after its retries, or was refused (a 4xx other than 408/429 is not retried).</summary>
public sealed class WebhookDeliveryException : AlertDeliveryException
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

    /// <summary>The last HTTP status, when an answer came.</summary>
    public HttpStatusCode? Status { get; init; }
}
