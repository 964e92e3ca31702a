using System.Text.Json;
using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The e-mail sink against a real SMTP server on 127.0.0.1 (aiosmtpd in a child process, which parses each message
/// with Python's email package): subject, body and recipients as received, retries on "try again later", refusals reported as
/// warnings, and AUTH with the credentials from the environment variables the config names.</summary>
public sealed class EmailAlertSinkTests
{
    private static readonly Run Run = new RunBuilder().Series("train/loss", 10, 1, 2, double.NaN).Build();

    private static readonly Finding Diverged = NewFinding("RL0107", "divergence", Severity.Error, "train/loss became NaN at step 3,200", "train/loss")
        with
    {
        Evidence = new Runlens.Analysis.Rules.LearningDynamics.DivergenceNonFiniteEvidence(
            "train/loss", FirstNonFiniteStep: 3200, FirstNonFiniteValue: double.NaN, NonFinitePoints: 1, Points: 4,
            LastFiniteStep: 3100, LastFiniteValue: 0.8125, OtherSeries: []),
    };

    private static string Sink(SmtpTestServer server, string extra = "") => $"""
        sinks:
          - email:
              host: 127.0.0.1
              port: {server.Port}
              tls: none
              from: "Runlens <runlens@example.org>"
              to: [ml@example.org, oncall@example.org]
        {extra}
        retry_delay_seconds: 0.001
        """;

    private static async Task<AlertEvaluation> EvaluateOnce(string yaml, DateTimeOffset? at = null)
    {
        var config = Config(yaml);
        using var http = new HttpClient();
        var engine = new AlertEngine(config, config.CreateSinks(TextWriter.Null, http));
        return await engine.EvaluateAsync(Diag(Run, Diverged), at ?? T0, T0, true, CancellationToken.None);
    }

    [SmtpFact]
    public async Task An_alert_arrives_with_its_subject_body_and_recipients()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var e = await EvaluateOnce(Sink(server));
        Assert.Empty(e.Warnings);

        var m = Assert.Single(await server.WaitForAsync("message", 1));
        Assert.Equal("runlens@example.org", m.GetProperty("mail_from").GetString());
        Assert.Equal(["ml@example.org", "oncall@example.org"], m.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Runlens <runlens@example.org>", m.GetProperty("from").GetString());
        Assert.Equal("ml@example.org, oncall@example.org", m.GetProperty("to").GetString());
        Assert.Equal("[ERROR] test-run: train/loss became NaN at step 3,200", m.GetProperty("subject").GetString());
        Assert.Equal("finding:RL0107:train/loss", m.GetProperty("alert_key").GetString());
        Assert.Equal("text/plain", m.GetProperty("content_type").GetString());
        Assert.Equal("""
            [ERROR] test-run: train/loss became NaN at step 3,200

            Finding: divergence (RL0107), error
            Why divergence happens.

            Evidence:
            - series: train/loss
            - first non finite step: 3,200
            - non finite points: 1
            - points: 4
            - last finite step: 3,100
            - last finite value: 0.8125

            What to do: Fix divergence.

            Run: test-run · step 120 · 2026-03-01 10:00:00 UTC
            Alert key: finding:RL0107:train/loss

            """, m.GetProperty("body").GetString()!.ReplaceLineEndings("\n"));
    }

    [SmtpFact]
    public async Task A_threshold_alert_uses_the_subject_template_and_says_which_limit_was_crossed()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var yaml = Sink(server).Replace("      to: [ml@example.org, oncall@example.org]",
            "      to: ml@example.org\n      subject: \"{{runlens}} {severity} {kind} on {metric} at step {step} ({run_id})\"", StringComparison.Ordinal)
            + "\nthresholds:\n  - metric: train/loss\n    above: 1.5\nrules: []\n";
        var config = Config(yaml);
        using var http = new HttpClient();
        var engine = new AlertEngine(config, config.CreateSinks(TextWriter.Null, http));
        await engine.EvaluateAsync(Diag(new RunBuilder().Series("train/loss", 10, 1.0).Build()), T0, T0, true, default);
        var e = await engine.EvaluateAsync(Diag(new RunBuilder().Series("train/loss", 10, 1.0, 2.5).Build()), T0.AddMinutes(1), T0, true, default);
        Assert.Empty(e.Warnings);

        var m = Assert.Single(await server.WaitForAsync("message", 1));
        Assert.Equal(["ml@example.org"], m.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("{runlens} WARNING threshold on train/loss at step 20 (test-run)", m.GetProperty("subject").GetString());
        var body = m.GetProperty("body").GetString()!.ReplaceLineEndings("\n");
        Assert.StartsWith("[WARNING] test-run: train/loss is above 1.5\n\nAlert: threshold on train/loss, warning\n"
            + "train/loss = 2.5 at step 20, above the limit 1.5.\n\nWhat to do: ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Evidence:", body, StringComparison.Ordinal);
    }

    [SmtpFact]
    public async Task A_server_that_says_try_again_later_is_retried_and_the_alert_arrives()
    {
        await using var server = await SmtpTestServer.StartAsync(refuse: (2, 451));
        var e = await EvaluateOnce(Sink(server, "retries: 3"));
        Assert.Empty(e.Warnings);
        Assert.Single(await server.WaitForAsync("message", 1));
        Assert.Equal(2, server.Of("refused").Count);
        Assert.Equal(3, server.Of("ehlo").Count); // one SMTP session per attempt
    }

    [SmtpFact]
    public async Task A_server_that_keeps_refusing_is_a_delivery_failure_and_the_other_sinks_and_later_evaluations_go_on()
    {
        await using var server = await SmtpTestServer.StartAsync(refuse: (100, 451));
        using var dir = new TempDir();
        var config = Config(Sink(server, $"retries: 2\ncooldown_minutes: 0\nthresholds:\n  - metric: train/loss\n    above: 10\n")
            .Replace("sinks:\n", $"sinks:\n  - file: {dir.File("alerts.jsonl")}\n", StringComparison.Ordinal));
        using var http = new HttpClient();
        var engine = new AlertEngine(config, config.CreateSinks(TextWriter.Null, http));

        var e = await engine.EvaluateAsync(Diag(new RunBuilder().Series("train/loss", 10, 1, 2).Build(), Diverged), T0, T0, true, default);
        Assert.Single(e.Alerts);
        Assert.Equal($"alert 'finding:RL0107:train/loss' not delivered to email 127.0.0.1:{server.Port}: SMTP 451 4.3.0 Try again later after 3 attempts",
            Assert.Single(e.Warnings));
        Assert.Equal(3, (await server.WaitForAsync("refused", 3)).Count);
        Assert.Equal(3, server.Of("ehlo").Count);
        Assert.Single(File.ReadAllLines(dir.File("alerts.jsonl")));

        // The engine goes on: the next crossing is decided, written to the file and tried again by e-mail.
        var later = await engine.EvaluateAsync(Diag(new RunBuilder().Series("train/loss", 10, 1, 2, 50).Build(), Diverged), T0.AddMinutes(1), T0, true, default);
        Assert.Equal("threshold:train/loss:above", Assert.Single(later.Alerts).Key);
        Assert.Single(later.Warnings);
        Assert.Equal(2, File.ReadAllLines(dir.File("alerts.jsonl")).Length);
        Assert.Equal(6, (await server.WaitForAsync("refused", 6)).Count);
        Assert.Empty(server.Of("message"));
    }

    [SmtpFact]
    public async Task A_permanent_refusal_is_not_retried()
    {
        await using var server = await SmtpTestServer.StartAsync(refuse: (100, 550));
        var e = await EvaluateOnce(Sink(server, "retries: 3"));
        Assert.Equal($"alert 'finding:RL0107:train/loss' not delivered to email 127.0.0.1:{server.Port}: SMTP 550 5.7.1 Message refused by policy "
            + "(not retried: another try would get the same answer)", Assert.Single(e.Warnings));
        Assert.Single(await server.WaitForAsync("refused", 1));
        Assert.Single(server.Of("ehlo"));
    }

    [SmtpFact]
    public async Task The_login_is_made_with_the_credentials_in_the_environment_variables_the_config_names()
    {
        using var login = new LoginVariables("alerts-bot", "s3cret pass");
        await using var server = await SmtpTestServer.StartAsync(login: ("alerts-bot", "s3cret pass"));
        var e = await EvaluateOnce(login.Into(Sink(server)));
        Assert.Empty(e.Warnings);

        Assert.Equal("alerts-bot", Assert.Single(await server.WaitForAsync("message", 1)).GetProperty("login").GetString());
        var auth = Assert.Single(server.Of("auth")); // reported before the message: the wait above covers it
        Assert.Equal(("alerts-bot", true), (auth.GetProperty("login").GetString(), auth.GetProperty("ok").GetBoolean()));
    }

    [SmtpFact]
    public async Task Refused_credentials_are_reported_without_retries_and_without_the_password()
    {
        using var login = new LoginVariables("alerts-bot", "wrong-pass");
        await using var server = await SmtpTestServer.StartAsync(login: ("alerts-bot", "s3cret pass"));
        var e = await EvaluateOnce(login.Into(Sink(server, "retries: 3")));

        var warning = Assert.Single(e.Warnings);
        Assert.StartsWith($"alert 'finding:RL0107:train/loss' not delivered to email 127.0.0.1:{server.Port}: the server refused the login from ${login.User} and ${login.Password}: ",
            warning, StringComparison.Ordinal);
        Assert.EndsWith("(not retried: another try would get the same answer)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass", warning, StringComparison.Ordinal);
        Assert.NotEmpty(await server.WaitForAsync("auth", 1)); // reported after the answer: the client may finish first
        Assert.Single(server.Of("ehlo")); // one session: MailKit may try several mechanisms in it, all refused
        Assert.All(server.Of("auth"), a => Assert.False(a.GetProperty("ok").GetBoolean()));
        Assert.Empty(server.Of("message"));
    }

    [SmtpFact]
    public async Task Starttls_asked_of_a_server_that_does_not_offer_it_is_not_retried()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var e = await EvaluateOnce(Sink(server, "retries: 3").Replace("tls: none", "tls: starttls", StringComparison.Ordinal));
        var warning = Assert.Single(e.Warnings);
        Assert.Contains("STARTTLS", warning, StringComparison.Ordinal);
        Assert.EndsWith("STARTTLS extension, which the sink's tls: starttls needs (not retried: another try would get the same answer)", warning, StringComparison.Ordinal);
        Assert.Single(await server.WaitForAsync("ehlo", 1));
        Assert.Empty(server.Of("message"));
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_reported()
    {
        var port = ClosedPort();
        var sink = new EmailAlertSink(new EmailSinkConfig("127.0.0.1", port, EmailTls.None, "runlens@example.org", ["ml@example.org"], null, null,
            EmailSinkConfig.DefaultSubject), new DeliveryOptions(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)));
        var ex = await Assert.ThrowsAsync<AlertDeliveryException>(() =>
            sink.SendAsync(new Alert("k", AlertKinds.Stalled, Severity.Warning, "t", "m", null, null, null, null) { Time = T0 }, CancellationToken.None));
        Assert.Equal(3, ex.Attempts);
        Assert.EndsWith("after 3 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"email 127.0.0.1:{port}", sink.Name);
    }

    /// <summary>Two environment variables of this process, named uniquely, holding a login; removed on dispose.</summary>
    private sealed class LoginVariables : IDisposable
    {
        public LoginVariables(string user, string password)
        {
            var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            (User, Password) = ($"RUNLENS_TEST_SMTP_USER_{id}", $"RUNLENS_TEST_SMTP_PASSWORD_{id}");
            Environment.SetEnvironmentVariable(User, user);
            Environment.SetEnvironmentVariable(Password, password);
        }

        /// <summary>The variable holding the user name.</summary>
        public string User { get; }

        /// <summary>The variable holding the password.</summary>
        public string Password { get; }

        /// <summary>The sink YAML of <see cref="Sink"/> with user_env and password_env naming these variables.</summary>
        public string Into(string yaml) =>
            yaml.Replace("      tls: none\n", $"      tls: none\n      user_env: {User}\n      password_env: {Password}\n", StringComparison.Ordinal);

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(User, null);
            Environment.SetEnvironmentVariable(Password, null);
        }
    }
}
