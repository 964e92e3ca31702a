using System.Collections.Immutable;

namespace Runlens.Live.Alerts;

/// <summary>An e-mail sink: one message per alert through an SMTP server.</summary>
/// <param name="Host">The SMTP server.</param>
/// <param name="Port">Its port (the config's default: 587 for <see cref="EmailTls.StartTls"/>, 465 for
/// <see cref="EmailTls.Implicit"/>, 25 for <see cref="EmailTls.None"/>).</param>
/// <param name="Tls">How the connection is secured.</param>
/// <param name="From">The sender, e.g. <c>Runlens &lt;runlens@example.org&gt;</c>.</param>
/// <param name="To">The recipients (at least one).</param>
/// <param name="UserVariable">The environment variable holding the SMTP user name; null: no authentication.</param>
/// <param name="PasswordVariable">The environment variable holding the password (set together with
/// <paramref name="UserVariable"/>). The config holds only the variables' names, never the secrets.</param>
/// <param name="Subject">The subject template (<see cref="SubjectTemplate"/>), e.g. <c>[{severity}] {run}: {title}</c>.</param>
public sealed record EmailSinkConfig(
    string Host,
    int Port,
    EmailTls Tls,
    string From,
    ImmutableArray<string> To,
    string? UserVariable,
    string? PasswordVariable,
    string Subject)
{
    /// <summary>The subject when the config gives none: the same headline as the Slack message.</summary>
    public const string DefaultSubject = "[{severity}] {run}: {title}";

    /// <summary>The usual port of each mode: 587, 465, 25.</summary>
    public static int DefaultPort(EmailTls tls) => tls switch
    {
        EmailTls.Implicit => 465,
        EmailTls.None => 25,
        _ => 587,
    };
}
