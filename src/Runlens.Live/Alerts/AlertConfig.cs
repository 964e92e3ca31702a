using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Live.Control;

namespace Runlens.Live.Alerts;

/// <summary>
/// What <c>runlens watch</c> and <c>runlens run</c> alert on, where alerts go, and which findings make the trainer act
/// (the alert config, YAML; reference in <c>docs/alerts.md</c>). Read it with <see cref="Load"/> or <see cref="Parse"/>;
/// <see cref="Default"/> is what applies without a file: every warning and error finding, to the console.
/// </summary>
/// <param name="Rules">Which findings alert. The most specific entry wins: one naming the rule over <c>*</c>.</param>
/// <param name="Thresholds">Absolute and relative limits on series values.</param>
/// <param name="ZScores">Outliers of a series against its own recent history.</param>
/// <param name="StalledAfter">Alert when a running run logs no new point for this long; null: never.</param>
/// <param name="Cooldown">The same alert is not sent again within this time.</param>
/// <param name="Sinks">Where alerts go.</param>
/// <param name="Webhooks">Retries, back-off and time-outs of the webhook sinks.</param>
/// <param name="Actions">Control actions decided from findings.</param>
public sealed record AlertConfig(
    ImmutableArray<AlertRuleFilter> Rules,
    ImmutableArray<ThresholdAlert> Thresholds,
    ImmutableArray<ZScoreAlert> ZScores,
    TimeSpan? StalledAfter,
    TimeSpan Cooldown,
    ImmutableArray<AlertSinkConfig> Sinks,
    WebhookOptions Webhooks,
    ImmutableArray<ActionRule> Actions)
{
    /// <summary>The conventional file name (<c>runlens watch --alerts FILE</c> defaults to it when it exists).</summary>
    public const string DefaultName = "alerts.yaml";

    /// <summary>The cool-down when the file gives none: 30 minutes.</summary>
    public static TimeSpan DefaultCooldown { get; } = TimeSpan.FromMinutes(30);

    /// <summary>No file: every warning and error finding alerts on the console; no thresholds, no actions.</summary>
    public static AlertConfig Default { get; } = new(
        [new AlertRuleFilter("*", Severity.Warning)], [], [], null, DefaultCooldown, [new AlertSinkConfig(AlertSinkKind.Console)],
        WebhookOptions.Default, []);

    /// <summary>Reads and checks a config file.</summary>
    /// <exception cref="AlertConfigException">The file cannot be read or is not a valid config; the message names the
    /// file, line and column.</exception>
    public static AlertConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AlertConfigException(path, 1, 1, $"cannot read the alert config: {ex.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses config text. <paramref name="fileName"/> is used in error messages, and relative <c>file:</c> sink paths
    /// are resolved against its folder.</summary>
    /// <exception cref="AlertConfigException">Not a valid config; the message names the file, line and column.</exception>
    public static AlertConfig Parse(string text, string fileName) => AlertConfigParser.Parse(text, fileName);

    /// <summary>Builds the configured sinks. Webhook sinks share <paramref name="http"/> (the caller owns it); the console
    /// sink writes to <paramref name="console"/>.</summary>
    public IReadOnlyList<IAlertSink> CreateSinks(TextWriter console, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(http);
        return [.. Sinks.Select(s => s.Kind switch
        {
            AlertSinkKind.Console => (IAlertSink)new ConsoleAlertSink(console),
            AlertSinkKind.File => new FileAlertSink(s.Target!),
            AlertSinkKind.Slack => new WebhookAlertSink(new Uri(s.Target!), WebhookFormat.Slack, http, Webhooks, s.Headers),
            AlertSinkKind.Webhook => new WebhookAlertSink(new Uri(s.Target!), WebhookFormat.Json, http, Webhooks, s.Headers),
            _ => throw new InvalidOperationException($"unknown sink kind {s.Kind}"),
        })];
    }
}

/// <summary>Which findings alert: those of <paramref name="Rule"/> (an id such as <c>RL0101</c>, a slug such as
/// <c>overfitting</c>, or <c>*</c>) with at least <paramref name="MinSeverity"/>; null turns the rule off.</summary>
public sealed record AlertRuleFilter(string Rule, Severity? MinSeverity)
{
    /// <summary>True for the wildcard entry <c>*</c>.</summary>
    public bool IsWildcard => Rule == "*";
}

/// <summary>Direction of a metric for <see cref="ThresholdAlert.RisePercent"/>.</summary>
public enum MetricDirection
{
    /// <summary>Decided from the name: the diagnosis' primary metric direction, else lower is better for losses and error
    /// rates (<see cref="Runlens.Model.MetricNames.IsLoss"/>), higher for everything else.</summary>
    Auto,
    LowerIsBetter,
    HigherIsBetter,
}

/// <summary>Limits on the values of one series. A point crosses <paramref name="Above"/> when it is greater, <paramref name="Below"/>
/// when it is smaller, <paramref name="RisePercent"/> when it is more than that many percent worse than the best value of the
/// series before it. NaN crosses every limit.</summary>
/// <param name="Metric">The series: a Runlens key (<c>train/loss</c>, <c>val/loss</c>), a name that normalises to one
/// (<c>eval/loss</c>, <c>eval_loss</c>), or the name the trainer logged.</param>
public sealed record ThresholdAlert(
    string Metric, double? Above, double? Below, double? RisePercent, MetricDirection Direction, Severity Severity);

/// <summary>A point whose |z| against the mean and standard deviation of the previous <paramref name="Window"/> finite
/// points of the series reaches <paramref name="Z"/>.</summary>
public sealed record ZScoreAlert(string Metric, double Z, int Window, Severity Severity)
{
    /// <summary>The fewest earlier points a z-score is computed from.</summary>
    public int MinPoints => Math.Min(Window, 10);
}

/// <summary>Where alerts go.</summary>
public enum AlertSinkKind
{
    Console,
    File,
    Slack,
    Webhook,
}

/// <summary>One sink: the console, a JSONL file (<paramref name="Target"/> is its absolute path), a Slack-compatible
/// webhook or a generic JSON webhook (<paramref name="Target"/> is the URL, with extra request headers).</summary>
public sealed record AlertSinkConfig(AlertSinkKind Kind, string? Target = null, ImmutableDictionary<string, string>? Headers = null);

/// <summary>A control action decided when a finding of <paramref name="Rule"/> (id, slug or <c>*</c>) with at least
/// <paramref name="MinSeverity"/> is present. <paramref name="Factor"/> is set for <see cref="ControlVerb.ReduceLr"/> only.</summary>
public sealed record ActionRule(string Rule, ControlVerb Do, double? Factor, Severity MinSeverity)
{
    /// <summary>True for the wildcard entry <c>*</c>.</summary>
    public bool IsWildcard => Rule == "*";
}

/// <summary>Delivery settings of the webhook sinks.</summary>
/// <param name="Retries">Retries after the first attempt (0–10) on 408, 429, 5xx and network errors.</param>
/// <param name="BaseDelay">Median delay before the first retry; it doubles with each retry, with jitter. A
/// <c>Retry-After</c> header from the server replaces it (up to <paramref name="MaxDelay"/>).</param>
/// <param name="MaxDelay">The longest wait between two attempts.</param>
/// <param name="AttemptTimeout">Time-out of one request.</param>
/// <param name="Timeout">Time-out of a delivery, all attempts and waits together.</param>
public sealed record WebhookOptions(int Retries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout, TimeSpan Timeout)
{
    /// <summary>3 retries from 1 s, waits up to 30 s, 10 s per request, 60 s in all.</summary>
    public static WebhookOptions Default { get; } = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(60));
}
