namespace Runlens.Live.Alerts;

/// <summary>How the e-mail sink secures its SMTP connection (the sink's <c>tls:</c>).</summary>
public enum EmailTls
{
    /// <summary><c>starttls</c>: connect in plain text, then upgrade with STARTTLS; a server that does not offer it is an
    /// error (usually port 587).</summary>
    StartTls,

    /// <summary><c>implicit</c>: TLS from the first byte (usually port 465).</summary>
    Implicit,

    /// <summary><c>none</c>: plain text, for a relay on the same host or network (usually port 25).</summary>
    None,
}
