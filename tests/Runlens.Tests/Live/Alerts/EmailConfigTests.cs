using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The <c>email</c> sink in the alert config: every key, the defaults, and each mistake with file:line:column and
/// what to write instead.</summary>
public sealed class EmailConfigTests
{
    [Fact]
    public void Every_key_of_an_email_sink_is_read()
    {
        var (user, password) = ("RUNLENS_TEST_CFG_USER_" + Guid.NewGuid().ToString("N")[..6], "RUNLENS_TEST_CFG_PASS_" + Guid.NewGuid().ToString("N")[..6]);
        Environment.SetEnvironmentVariable(user, "u");
        Environment.SetEnvironmentVariable(password, "p");
        try
        {
            var c = AlertConfig.Parse($"""
                sinks:
                  - email:
                      host: smtp.example.org
                      port: 2525
                      tls: implicit
                      from: "Runlens <runlens@example.org>"
                      to: [ml@example.org, "On call <oncall@example.org>"]
                      user_env: {user}
                      password_env: {password}
                      subject: "{"{severity}"}: {"{title}"}"
                retries: 5
                """, "alerts.yaml");
            var sink = Assert.Single(c.Sinks);
            Assert.Equal(AlertSinkKind.Email, sink.Kind);
            Assert.Equal(new EmailSinkConfig("smtp.example.org", 2525, EmailTls.Implicit, "Runlens <runlens@example.org>", [], user, password,
                "{severity}: {title}"), sink.Email! with { To = [] });
            Assert.Equal(["ml@example.org", "On call <oncall@example.org>"], sink.Email!.To.ToArray());
            Assert.Equal(5, c.Delivery.Retries);
            using var http = new HttpClient();
            Assert.Equal("email smtp.example.org:2525", Assert.Single(c.CreateSinks(TextWriter.Null, http)).Name);
        }
        finally
        {
            Environment.SetEnvironmentVariable(user, null);
            Environment.SetEnvironmentVariable(password, null);
        }
    }

    [Theory]
    [InlineData("", 587, EmailTls.StartTls)]
    [InlineData("      tls: implicit\n", 465, EmailTls.Implicit)]
    [InlineData("      tls: none\n", 25, EmailTls.None)]
    [InlineData("      tls: none\n      port: 1025\n", 1025, EmailTls.None)]
    public void The_port_defaults_to_the_usual_one_of_the_tls_mode_and_the_subject_to_the_slack_headline(string extra, int port, EmailTls tls)
    {
        var c = AlertConfig.Parse($"sinks:\n  - email:\n      host: mail\n      from: a@b.org\n      to: c@d.org\n{extra}", "a.yaml");
        var email = Assert.Single(c.Sinks).Email!;
        Assert.Equal((port, tls, "[{severity}] {run}: {title}", "c@d.org"), (email.Port, email.Tls, email.Subject, Assert.Single(email.To)));
        Assert.Null(email.UserVariable);
    }

    private const string Base = "sinks:\n  - email:\n      host: mail\n      from: a@b.org\n      to: c@d.org\n";

    public static TheoryData<string, int, int, string> Errors => new()
    {
        { "sinks:\n  - email: ops@example.org\n", 2, 12, "'email' must be a mapping with 'host', 'from' and 'to'" },
        { "sinks:\n  - email:\n      from: a@b.org\n      to: c@d.org\n", 3, 7, "an email sink needs 'host:' (the SMTP server, e.g. smtp.example.org)" },
        { "sinks:\n  - email:\n      host: mail\n      to: c@d.org\n", 3, 7, "an email sink needs 'from:'" },
        { "sinks:\n  - email:\n      host: mail\n      from: a@b.org\n", 3, 7, "an email sink needs 'to:'" },
        { "sinks:\n  - email:\n      host: mail\n      from: a@b.org\n      to: []\n", 5, 11, "to must be an address or a list of addresses" },
        { Base + "      hots: x\n", 6, 7, "unknown key 'hots' in an email sink; did you mean 'host'? the keys are: host, port, tls, from, to, user_env, password_env, subject" },
        { Base + "      tls: ssl\n", 6, 12, "tls 'ssl' is not known; write 'starttls' (upgrade a plain connection, usually port 587), 'implicit' (TLS from the first byte, usually port 465) or 'none'" },
        { Base + "      port: 70000\n", 6, 13, "port must be between 1 and 65535, not 70000" },
        { "sinks:\n  - email:\n      host: smtp://mail.example.org\n      from: a@b.org\n      to: c@d.org\n", 3, 13, "host 'smtp://mail.example.org' is not a server name; write the SMTP server's name or address" },
        { "sinks:\n  - email:\n      host: mail\n      from: runlens\n      to: c@d.org\n", 4, 13, "'runlens' is not an e-mail address; write e.g. runlens@example.org or \"Runlens <runlens@example.org>\"" },
        { "sinks:\n  - email:\n      host: mail\n      from: a@b.org\n      to: [c@d.org, 'ops team']\n", 5, 21, "'ops team' is not an e-mail address" },
        { Base + "      user_env: RUNLENS_TEST_NEVER_SET_4F1\n      password_env: RUNLENS_TEST_NEVER_SET_4F2\n", 6, 17,
            "user_env names RUNLENS_TEST_NEVER_SET_4F1, which is not set; set it in the environment runlens starts in, or remove user_env and password_env" },
        { Base + "      user_env: smtp user\n", 6, 17, "user_env must name an environment variable (letters, digits and '_'), not 'smtp user'" },
        { Base + "      password_env: hunter2!\n", 6, 21, "password_env must name an environment variable (letters, digits and '_'), e.g. RUNLENS_SMTP_PASSWORD; never write the password itself in the file" },
        { Base + "      password_env: RUNLENS_TEST_NEVER_SET_4F3\n", 6, 21, "the environment variable password_env names is not set" },
        { Base + "      subject: \"{severity} {rn}\"\n", 6, 16, "subject: unknown placeholder '{rn}'; the placeholders are: {run}, {run_id}, {severity}, {kind}, {title}, {rule}, {rule_id}, {metric}, {step}, {key}" },
        { Base + "      subject: \"{title\"\n", 6, 16, "subject: the '{' at position 1 is not closed" },
        { Base + "    headers: { A: b }\n", 6, 14, "'headers' only apply to 'slack' and 'webhook' sinks" },
        { "sinks:\n  - email:\n      host: mail\n      from: a@b.org\n      to: c@d.org\n    file: a.jsonl\n", 6, 5, "one sink per entry: 'file' follows 'email'" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_error_names_the_file_line_and_column_and_what_to_do(string yaml, int line, int column, string expected) =>
        AlertTestData.AssertConfigError(yaml, line, column, expected);

    [Fact]
    public void User_and_password_variables_go_together()
    {
        var user = "RUNLENS_TEST_CFG_ONLY_" + Guid.NewGuid().ToString("N")[..6];
        Environment.SetEnvironmentVariable(user, "u");
        try
        {
            var ex = Assert.Throws<AlertConfigException>(() => AlertConfig.Parse(Base + $"      user_env: {user}\n", "a.yaml"));
            Assert.Equal((6, 17), (ex.Line, ex.Column));
            Assert.EndsWith("user_env and password_env go together: give both for a server that asks for a login, or neither", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(user, null);
        }
    }

    [Fact]
    public void The_subject_template_fills_placeholders_keeps_doubled_braces_and_stays_on_one_line()
    {
        var alert = new Alert("finding:RL0101:val/loss", AlertKinds.Finding, Severity.Warning, "val/loss rose\n12%", "m", "RL0101", 1200, "val/loss", null)
        {
            Rule = "overfitting",
            RunId = "r-7",
            RunName = "bert",
        };
        Assert.Equal("{x} WARNING bert r-7 finding overfitting RL0101 val/loss 1200 finding:RL0101:val/loss: val/loss rose 12%",
            SubjectTemplate.Render("{{x}} {severity} {run} {run_id} {kind} {rule} {rule_id} {metric} {step} {key}: {title}", alert));
        Assert.Equal("[] stalled", SubjectTemplate.Render("[{rule}{metric}{step}] {kind}", alert with { Kind = "stalled", Rule = null, Metric = null, Step = null }));
        Assert.Equal("the '}' at position 3 closes nothing; write '}}' for a brace", SubjectTemplate.Check("ab}"));
        Assert.Null(SubjectTemplate.Check(EmailSinkConfig.DefaultSubject));
    }
}
