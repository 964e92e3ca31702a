using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Live.Control;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Alerts;

/// <summary>The alert config: every key read, defaults, and every error with file:line:column and what to do.</summary>
public sealed class AlertConfigTests
{
    private const string Full = """
        rules:                # which findings alert
          - rule: "*"
            min_severity: warning
          - rule: change-point
            min_severity: off
          - RL0405
        thresholds:
          - metric: train/loss
            above: 10
          - metric: eval/loss
            rise_percent: 20
          - metric: eval/accuracy
            below: 0.5
            severity: error
            direction: higher
        zscore:
          - metric: train/grad_norm
            z: 6
            window: 200
        stalled_minutes: 15
        cooldown_minutes: 30
        sinks:
          - console
          - file: out/alerts.jsonl
          - slack: https://hooks.slack.com/services/T000/B000/XXXX
          - webhook: https://example.org/hook
            headers: { Authorization: "Bearer x", X-Team: ml }
        retries: 4
        retry_delay_seconds: 0.25
        timeout_seconds: 20
        actions:
          - rule: RL0107
            do: stop
          - rule: loss-spikes
            do: reduce_lr
            factor: 0.5
          - rule: past-best-checkpoint
            do: rollback
            min_severity: info
        """;

    [Fact]
    public void Every_key_of_a_full_alert_config_is_read()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cfg");
        var c = AlertConfig.Parse(Full, Path.Combine(folder, "alerts.yaml"));

        Assert.Equal(
            [new AlertRuleFilter("*", Severity.Warning), new AlertRuleFilter("RL0403", null), new AlertRuleFilter("RL0405", Severity.Info)],
            c.Rules.ToArray());
        Assert.Equal(
            [
                new ThresholdAlert("train/loss", 10, null, null, MetricDirection.Auto, Severity.Warning),
                new ThresholdAlert("eval/loss", null, null, 20, MetricDirection.Auto, Severity.Warning),
                new ThresholdAlert("eval/accuracy", null, 0.5, null, MetricDirection.HigherIsBetter, Severity.Error),
            ],
            c.Thresholds.ToArray());
        Assert.Equal(new ZScoreAlert("train/grad_norm", 6, 200, Severity.Warning), Assert.Single(c.ZScores));
        Assert.Equal(TimeSpan.FromMinutes(15), c.StalledAfter);
        Assert.Equal(TimeSpan.FromMinutes(30), c.Cooldown);

        Assert.Equal(4, c.Sinks.Length);
        Assert.Equal(AlertSinkKind.Console, c.Sinks[0].Kind);
        Assert.Equal((AlertSinkKind.File, Path.Combine(folder, "out", "alerts.jsonl")), (c.Sinks[1].Kind, c.Sinks[1].Target));
        Assert.Equal((AlertSinkKind.Slack, "https://hooks.slack.com/services/T000/B000/XXXX"), (c.Sinks[2].Kind, c.Sinks[2].Target));
        Assert.Equal((AlertSinkKind.Webhook, "https://example.org/hook"), (c.Sinks[3].Kind, c.Sinks[3].Target));
        Assert.Equal("Bearer x", c.Sinks[3].Headers!["authorization"]);
        Assert.Equal("ml", c.Sinks[3].Headers!["X-Team"]);

        Assert.Equal(4, c.Delivery.Retries);
        Assert.Equal(TimeSpan.FromMilliseconds(250), c.Delivery.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), c.Delivery.Timeout);

        Assert.Equal(
            [
                new ActionRule("RL0107", ControlVerb.Stop, null, Severity.Warning),
                new ActionRule("RL0206", ControlVerb.ReduceLr, 0.5, Severity.Warning),
                new ActionRule("RL0102", ControlVerb.Rollback, null, Severity.Info),
            ],
            c.Actions.ToArray());
    }

    [Fact]
    public void An_empty_file_or_absent_keys_give_the_defaults()
    {
        Assert.Same(AlertConfig.Default, AlertConfig.Parse("", "a.yaml"));
        Assert.Same(AlertConfig.Default, AlertConfig.Parse("# only a comment\n", "a.yaml"));
        var c = AlertConfig.Parse("stalled_minutes: 5\n", "a.yaml");
        Assert.Equal([new AlertRuleFilter("*", Severity.Warning)], c.Rules.ToArray());
        Assert.Equal(AlertSinkKind.Console, Assert.Single(c.Sinks).Kind);
        Assert.Equal(TimeSpan.FromMinutes(30), c.Cooldown);
        Assert.Equal(3, c.Delivery.Retries);
        Assert.Empty(c.Actions);

        var none = AlertConfig.Parse("rules: []\nsinks: []\n", "a.yaml");
        Assert.Empty(none.Rules);
        Assert.Empty(none.Sinks);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        using var dir = new TempDir();
        var path = dir.File("alerts.yaml");
        File.WriteAllText(path, "cooldown_minutes: 5\nsinks:\n  - file: a.jsonl\n");
        var c = AlertConfig.Load(path);
        Assert.Equal(TimeSpan.FromMinutes(5), c.Cooldown);
        Assert.Equal(Path.Combine(dir.Path, "a.jsonl"), c.Sinks[0].Target);

        File.WriteAllText(path, "cooldown_minute: 5\n");
        var ex = Assert.Throws<AlertConfigException>(() => AlertConfig.Load(path));
        Assert.StartsWith(path + ":1:1: unknown key 'cooldown_minute' at the top level; did you mean 'cooldown_minutes'?", ex.Message);

        var missing = Assert.Throws<AlertConfigException>(() => AlertConfig.Load(dir.File("nope.yaml")));
        Assert.Contains("cannot read the alert config", missing.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, int, string> Errors => new()
    {
        // unknown keys, at each level
        { "rules:\n  - rule: overfitting\n    severity: error\n", 3, 5, "unknown key 'severity' in an entry of 'rules'; the keys are: rule, min_severity" },
        { "thresholds:\n  - metric: train/loss\n    abvoe: 10\n", 3, 5, "unknown key 'abvoe' in a threshold; did you mean 'above'?" },
        { "zscore:\n  - metric: a\n    z: 3\n    windw: 9\n", 4, 5, "unknown key 'windw' in a zscore entry; did you mean 'window'?" },
        { "actions:\n  - rule: RL0107\n    action: stop\n", 3, 5, "unknown key 'action' in an action; the keys are: rule, do, factor, min_severity" },
        { "sinks:\n  - emial: a@b.c\n", 2, 5, "unknown key 'emial' in a sink; did you mean 'email'?" },
        // rules
        { "rules:\n  - rule: overfiting\n", 2, 11, "rule 'overfiting' is not in the rule catalogue; did you mean 'overfitting'?" },
        { "rules:\n  - rule: RL9999\n", 2, 11, "rule 'RL9999' is not in the rule catalogue" },
        { "actions:\n  - rule: divergense\n    do: stop\n", 2, 11, "rule 'divergense' is not in the rule catalogue; did you mean 'divergence'?" },
        { "rules:\n  - rule: overfitting\n    min_severity: critical\n", 3, 19, "min_severity 'critical' is not a severity; write info, warning or error (or off to silence the rule)" },
        { "rules:\n  - min_severity: error\n", 2, 5, "an entry of 'rules' needs 'rule:'" },
        { "rules: overfitting\n", 1, 8, "'rules' must be a list: one entry per line starting with '- '" },
        // thresholds
        { "thresholds:\n  - metric: train/loss\n    above: ten\n", 3, 12, "above must be a number, not 'ten'" },
        { "thresholds:\n  - metric: train/loss\n    above: .nan\n", 3, 12, "above must be a number" },
        { "thresholds:\n  - metric: train/loss\n", 2, 5, "the threshold on train/loss sets no limit; add 'above: N', 'below: N' or 'rise_percent: N'" },
        { "thresholds:\n  - above: 3\n", 2, 5, "a threshold needs 'metric:'" },
        { "thresholds:\n  - metric: val/loss\n    rise_percent: -5\n", 3, 19, "rise_percent must be greater than 0, not -5" },
        { "thresholds:\n  - metric: val/acc\n    above: 0.2\n    below: 0.5\n", 2, 5, "has above: 0.2 not greater than below: 0.5" },
        { "thresholds:\n  - metric: val/loss\n    rise_percent: 5\n    direction: down\n", 4, 16, "direction 'down' is not known; write 'lower'" },
        { "thresholds:\n  - metric: val/loss\n    above: 5\n    severity: off\n", 4, 15, "severity 'off' is not a severity; write info, warning or error" },
        // zscore
        { "zscore:\n  - metric: train/grad_norm\n", 2, 5, "the zscore entry on train/grad_norm needs 'z:'" },
        { "zscore:\n  - metric: a\n    z: 0\n", 3, 8, "z must be between 0 and 1000000, not 0" },
        { "zscore:\n  - metric: a\n    z: 4\n    window: 1\n", 4, 13, "window must be between 2 and 1000000, not 1" },
        { "zscore:\n  - metric: a\n    z: 4\n    window: 2.5\n", 4, 13, "window must be a whole number, not '2.5'" },
        // scalars at the top
        { "stalled_minutes: 0\n", 1, 18, "stalled_minutes must be greater than 0, not 0" },
        { "cooldown_minutes: soon\n", 1, 19, "cooldown_minutes must be a number, not 'soon'" },
        { "retries: 11\n", 1, 10, "retries must be between 0 and 10, not 11" },
        { "retries: [1]\n", 1, 10, "retries must be a whole number" },
        // sinks
        { "sinks:\n  - slack: hooks.slack.com/x\n", 2, 12, "'hooks.slack.com/x' is not an http:// or https:// URL" },
        { "sinks:\n  - webhook: ftp://example.org/x\n", 2, 14, "'ftp://example.org/x' is not an http:// or https:// URL" },
        { "sinks:\n  - pager\n", 2, 5, "sink 'pager' is not known; write '- console', '- file: PATH', '- slack: URL' or '- webhook: URL'" },
        { "sinks:\n  - file: a.jsonl\n    slack: https://x.org/\n", 3, 5, "one sink per entry: 'slack' follows 'file'" },
        { "sinks:\n  - file: a.jsonl\n    headers: { A: b }\n", 3, 14, "'headers' only apply to 'slack' and 'webhook' sinks" },
        { "sinks:\n  - webhook: https://x.org/\n    headers: { \"Bad Name\": b }\n", 3, 16, "'Bad Name' is not a valid HTTP header name" },
        { "sinks:\n  - file:\n", 2, 10, "file must be a path such as alerts.jsonl" },
        // actions
        { "actions:\n  - rule: loss-spikes\n    do: reduce_lr\n", 2, 5, "'do: reduce_lr' for RL0206 needs 'factor:' between 0 and 1, e.g. 'factor: 0.5'" },
        { "actions:\n  - rule: loss-spikes\n    do: reduce_lr\n    factor: 1.5\n", 4, 13, "factor 1.5 must be between 0 and 1 (exclusive)" },
        { "actions:\n  - rule: loss-spikes\n    do: reduce_lr\n    factor: 0\n", 4, 13, "factor 0 must be between 0 and 1 (exclusive)" },
        { "actions:\n  - rule: divergence\n    do: stop\n    factor: 0.5\n", 4, 13, "'factor' only applies to 'do: reduce_lr'; remove it from the 'stop' action" },
        { "actions:\n  - rule: divergence\n    do: halt\n", 3, 9, "action 'halt' is not known; write 'stop', 'reduce_lr' or 'rollback'" },
        { "actions:\n  - rule: divergence\n", 2, 5, "the action for RL0107 needs 'do:' (stop, reduce_lr or rollback)" },
        { "actions:\n  - do: stop\n", 2, 5, "an action needs 'rule:'" },
        // not YAML, not a mapping
        { "rules: [\n", 2, 1, "not valid YAML" },
        { "- console\n", 1, 1, "the alert config must be a mapping" },
        { "cooldown_minutes: 1\nsinks: []\ncooldown_minutes: 2\n", 3, 1, "'cooldown_minutes' is given twice" },
        { "thresholds:\n  - metric: a\n    above: 1\n    above: 2\n", 4, 5, "'above' is given twice" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Each_error_names_the_file_line_and_column_and_what_to_do(string yaml, int line, int column, string expected) =>
        AlertTestData.AssertConfigError(yaml, line, column, expected);

    [Theory]
    [InlineData("retries: 0\nretry_delay_seconds: 0\ntimeout_seconds: 0.1\n")]
    [InlineData("retries: 10\nretry_delay_seconds: 3600\ntimeout_seconds: 86400\n")]
    public void The_webhook_settings_at_their_limits_build_working_sinks(string settings)
    {
        var c = AlertConfig.Parse(settings + "sinks:\n  - console\n  - file: a.jsonl\n  - slack: https://x.org/a\n  - webhook: http://127.0.0.1:9/b\n", "a.yaml");
        using var http = new HttpClient();
        var sinks = c.CreateSinks(TextWriter.Null, http);
        Assert.Equal(["console", "file " + Path.GetFullPath("a.jsonl"), "slack https://x.org/a", "webhook http://127.0.0.1:9/b"], sinks.Select(s => s.Name));
    }

    [Fact]
    public void Rules_are_stored_by_id_whether_written_as_id_or_slug()
    {
        var c = AlertConfig.Parse("rules:\n  - rule: overfitting\n  - rule: rl0107\n    min_severity: error\n", "a.yaml");
        Assert.Equal([new AlertRuleFilter("RL0101", Severity.Info), new AlertRuleFilter("RL0107", Severity.Error)], c.Rules.ToArray());
    }
}
