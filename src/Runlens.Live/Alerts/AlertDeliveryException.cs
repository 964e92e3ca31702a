namespace Runlens.Live.Alerts;

/// <summary>A sink could not deliver an alert: its retries ran out, its time ran out, or the receiver refused it in a way
/// another try would not fix. The message is one readable line ending with the attempts made.</summary>
public class AlertDeliveryException : Exception
{
    public AlertDeliveryException()
    {
    }

    public AlertDeliveryException(string message)
        : base(message)
    {
    }

    public AlertDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Attempts made for this alert.</summary>
    public int Attempts { get; init; }
}
