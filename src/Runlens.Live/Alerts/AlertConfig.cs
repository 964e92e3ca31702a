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
/// <param name="Delivery">Retries, back-off and time-outs of the sinks that deliver over the network (webhook, Slack, e-mail).</param>
/// <param name="Actions">Control actions decided from findings.</param>
public sealed record AlertConfig(
    ImmutableArray<AlertRuleFilter> Rules,
    ImmutableArray<ThresholdAlert> Thresholds,
    ImmutableArray<ZScoreAlert> ZScores,
    TimeSpan? StalledAfter,
    TimeSpan Cooldown,
    ImmutableArray<AlertSinkConfig> Sinks,
    DeliveryOptions Delivery,
    ImmutableArray<ActionRule> Actions)
{
    /// <summary>The conventional file name (<c>runlens watch --alerts FILE</c> defaults to it when it exists).</summary>
    public const string DefaultName = "alerts.yaml";

    /// <summary>The cool-down when the file gives none: 30 minutes.</summary>
    public static TimeSpan DefaultCooldown { get; } = TimeSpan.FromMinutes(30);

    /// <summary>No file: every warning and error finding alerts on the console; no thresholds, no actions.</summary>
    public static AlertConfig Default { get; } = new(
        [new AlertRuleFilter("*", Severity.Warning)], [], [], null, DefaultCooldown, [new AlertSinkConfig(AlertSinkKind.Console)],
        DeliveryOptions.Default, []);

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
    /// sink writes to <paramref name="console"/>; e-mail sinks open an SMTP connection per alert.</summary>
    public IReadOnlyList<IAlertSink> CreateSinks(TextWriter console, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(http);
        return [.. Sinks.Select(s => s.Kind switch
        {
            AlertSinkKind.Console => (IAlertSink)new ConsoleAlertSink(console),
            AlertSinkKind.File => new FileAlertSink(s.Target!),
            AlertSinkKind.Slack => new WebhookAlertSink(new Uri(s.Target!), WebhookFormat.Slack, http, Delivery, s.Headers),
            AlertSinkKind.Webhook => new WebhookAlertSink(new Uri(s.Target!), WebhookFormat.Json, http, Delivery, s.Headers),
            AlertSinkKind.Email => new EmailAlertSink(s.Email!, Delivery),
            _ => throw new InvalidOperationException($"unknown sink kind {s.Kind}"),
        })];
    }
}

