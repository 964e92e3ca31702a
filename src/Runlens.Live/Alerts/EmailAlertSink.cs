using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Timeout;
using Runlens.Live.Alerts.Delivery;

namespace Runlens.Live.Alerts;

/// <summary>
/// Sends each alert as a plain-text e-mail (<see cref="AlertPayloads.EmailText"/>, subject from
/// <see cref="EmailSinkConfig.Subject"/>) through an SMTP server with MailKit: one session per alert (connect, TLS as
/// configured, AUTH with the user and password read from the environment variables the config names, send, quit), through
/// the sinks' retry policy (<see cref="DeliveryRetryPolicy"/>). Retried: 4xx replies (the server's "try again later"), a
/// dropped or refused connection, an attempt that timed out. Not retried: 5xx replies (a refused sender or recipient),
/// refused credentials, a TLS failure, a server without STARTTLS when <see cref="EmailTls.StartTls"/> asks for it.
/// </summary>
public sealed class EmailAlertSink : IAlertSink
{
    private readonly EmailSinkConfig _config;
    private readonly DeliveryOptions _options;
    private readonly Func<string, string?> _environment;
    private readonly ResiliencePipeline<string> _pipeline;

    /// <param name="config">The server, addresses and subject.</param>
    /// <param name="options">Retries and time-outs; <see cref="DeliveryOptions.Default"/> when null.</param>
    /// <param name="time">The clock of back-off waits and time-outs; the system clock when null.</param>
    /// <param name="environment">Reads an environment variable (the credentials); <see cref="Environment.GetEnvironmentVariable(string)"/>
    /// when null. Read at each delivery, so a rotated password is picked up.</param>
    public EmailAlertSink(EmailSinkConfig config, DeliveryOptions? options = null, TimeProvider? time = null,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _options = options ?? DeliveryOptions.Default;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _pipeline = DeliveryRetryPolicy.Build<string>(_options, time ?? TimeProvider.System, outcome => IsTransient(outcome.Exception));
    }

    public string Name => $"email {_config.Host}:{_config.Port.ToString(CultureInfo.InvariantCulture)}";

    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var credentials = Credentials();
        using var message = Message(alert);
        var attempts = 0;
        try
        {
            await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, _options.AttemptTimeout.TotalMilliseconds) };
                await client.ConnectAsync(_config.Host, _config.Port, Security(_config.Tls), token).ConfigureAwait(false);
                if (credentials is { } login)
                {
                    await client.AuthenticateAsync(login.User, login.Password, token).ConfigureAwait(false);
                }

                var reply = await client.SendAsync(message, token).ConfigureAwait(false);
                await client.DisconnectAsync(quit: true, token).ConfigureAwait(false);
                return reply;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Failure(DeliveryRetryPolicy.NoAnswer(ex, attempts), ex, attempts);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure($"the SMTP session timed out after {DeliveryRetryPolicy.Attempts(attempts)}", ex, attempts);
        }
        catch (Exception ex) when (Describe(ex) is { } what)
        {
            var how = IsTransient(ex) ? $"after {DeliveryRetryPolicy.Attempts(attempts)}" : "(not retried: another try would get the same answer)";
            throw Failure($"{what} {how}", ex, attempts);
        }
    }

    /// <summary>Worth another try: a 4xx reply, a broken or refused connection.</summary>
    internal static bool IsTransient(Exception? ex) => ex switch
    {
        SmtpCommandException c => (int)c.StatusCode is >= 400 and < 500,
        SmtpProtocolException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>The message of a delivery failure, or null for an exception that is not one (a bug: it propagates).</summary>
    private string? Describe(Exception ex) => ex switch
    {
        SmtpCommandException c => $"SMTP {((int)c.StatusCode).ToString(CultureInfo.InvariantCulture)} {c.Message.Trim()}"
            + (c.ErrorCode == SmtpErrorCode.RecipientNotAccepted && c.Mailbox is { } m ? $" (recipient {m.Address})" : ""),
        AuthenticationException a => $"the server refused the login from ${_config.UserVariable} and ${_config.PasswordVariable}: {a.Message.Trim()}",
        SslHandshakeException s => $"the TLS handshake with {_config.Host}:{_config.Port.ToString(CultureInfo.InvariantCulture)} failed: {FirstLine(s.Message)}",
        NotSupportedException n => $"{n.Message.Trim().TrimEnd('.')}, which the sink's tls: {ModeName(_config.Tls)} needs",
        SmtpProtocolException or IOException or SocketException => ex.Message.Trim(),
        _ => null,
    };

    private (string User, string Password)? Credentials()
    {
        if (_config.UserVariable is not { } userVariable || _config.PasswordVariable is not { } passwordVariable)
        {
            return null;
        }

        var user = _environment(userVariable);
        var password = _environment(passwordVariable);
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
        {
            throw new AlertDeliveryException(
                $"the environment variable {(string.IsNullOrEmpty(user) ? userVariable : "password_env names")} is not set, so no login can be made; set it where runlens runs");
        }

        return (user, password);
    }

    private MimeMessage Message(Alert alert)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_config.From));
        foreach (var to in _config.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = SubjectTemplate.Render(_config.Subject, alert);
        message.Headers.Add("X-Runlens-Alert", alert.Key);
        message.Body = new TextPart("plain") { Text = AlertPayloads.EmailText(alert) };
        return message;
    }

    private static SecureSocketOptions Security(EmailTls tls) => tls switch
    {
        EmailTls.Implicit => SecureSocketOptions.SslOnConnect,
        EmailTls.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    private static string ModeName(EmailTls tls) => tls switch
    {
        EmailTls.Implicit => "implicit",
        EmailTls.None => "none",
        _ => "starttls",
    };

    private static string FirstLine(string text) => text.Trim().Split('\n')[0].Trim();

    private static AlertDeliveryException Failure(string message, Exception inner, int attempts) =>
        new(message, inner) { Attempts = attempts };
}
