using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runlens.Reports.Contracts;

namespace Runlens.Live.Alerts;

/// <summary>
/// The wire forms of an <see cref="Alert"/>.
/// <para>Generic JSON (<see cref="Schema"/>, the file sink's lines and the <c>webhook</c> sink's body):</para>
/// <code>{"schema": "runlens.alert/v1", "run": {"id": "…", "name": "…"}, "kind": "threshold", "key": "threshold:train/loss:above",
///  "rule_id": null, "rule": null, "severity": "warning", "title": "…", "message": "…", "step": 400, "metric": "train/loss",
///  "value": 12.5, "time": "2026-01-01T10:00:00.0000000+00:00", "recommendation": "…"}</code>
/// Every key is always present (null when it does not apply); NaN and infinite values are the strings <c>"NaN"</c>,
/// <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// <para>Slack (<c>slack</c> sink): <c>{"text": "[WARNING] RUN: TITLE\nWhat to do: …", "blocks": […]}</c>, accepted by Slack
/// incoming webhooks and by Mattermost and Rocket.Chat, which read <c>text</c>.</para>
/// <para>E-mail (<c>email</c> sink): a plain-text body (<see cref="EmailText"/>); the subject comes from the sink's template.</para>
/// </summary>
public static class AlertPayloads
{
    public const string Schema = AlertJson.CurrentSchema;

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The generic JSON object, on one line, written from <see cref="AlertJson"/> through <see cref="ContractJson"/>.</summary>
    public static string Json(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return JsonSerializer.Serialize(
            new AlertJson(Schema, new AlertRunJson(alert.RunId, alert.RunName), alert.Kind, alert.Key, alert.RuleId, alert.Rule, SeverityText(alert),
                alert.Title, alert.Message, alert.Step, alert.Metric, alert.Value, alert.Time.ToString("O", CultureInfo.InvariantCulture), alert.Recommendation),
            ContractJson.Compact.AlertJson);
    }

    /// <summary>The Slack-compatible object: <c>text</c> (the fallback every client shows) and <c>blocks</c>.</summary>
    public static string Slack(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var headline = $"[{SeverityText(alert).ToUpperInvariant()}] {alert.RunName}: {alert.Title}";
        var text = alert.Recommendation is null ? headline : headline + "\nWhat to do: " + alert.Recommendation;
        var about = alert.RuleId is not null ? $"{alert.RuleId} {alert.Rule}" : alert.Metric ?? alert.Kind;
        var context = $"{alert.Kind} · {about}"
            + (alert.Step is { } s ? " · step " + s.ToString(CultureInfo.InvariantCulture) : "")
            + " · " + alert.Time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("text", Escape(text));
            w.WriteStartArray("blocks");
            Section(w, $"*{Escape($"[{SeverityText(alert).ToUpperInvariant()}] {alert.RunName}")}*: {Escape(alert.Title)}\n{Escape(alert.Message)}");
            if (alert.Recommendation is not null)
            {
                Section(w, "*What to do:* " + Escape(alert.Recommendation));
            }

            w.WriteStartObject();
            w.WriteString("type", "context");
            w.WriteStartArray("elements");
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", Escape(context));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The console line: <c>10:00:00 WARNING run-name: title — what to do</c>.</summary>
    public static string Line(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var about = alert.RuleId is not null ? $" [{alert.RuleId} {alert.Rule}]" : "";
        var what = alert.Recommendation is null ? "" : " — " + alert.Recommendation;
        return $"{alert.Time.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {SeverityText(alert).ToUpperInvariant()} "
            + $"{alert.RunName}: {alert.Title}{about}{what}";
    }

    /// <summary>The plain-text body of the e-mail sink: the headline, what it is (the finding and its rule, or the limit
    /// crossed), why, the evidence lines, what to do, and where (run, step, time, key).</summary>
    public static string EmailText(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var severity = SeverityText(alert);
        var sb = new StringBuilder();
        sb.Append('[').Append(severity.ToUpperInvariant()).Append("] ").Append(alert.RunName).Append(": ").Append(alert.Title).Append("\n\n");
        sb.Append(alert.RuleId is not null
            ? $"Finding: {alert.Rule} ({alert.RuleId}), {severity}"
            : $"Alert: {alert.Kind}{(alert.Metric is null ? "" : " on " + alert.Metric)}, {severity}").Append('\n');
        sb.Append(alert.Message).Append("\n\n");
        if (!alert.EvidenceLines.IsDefaultOrEmpty)
        {
            sb.Append("Evidence:\n");
            foreach (var line in alert.EvidenceLines)
            {
                sb.Append("- ").Append(line).Append('\n');
            }

            sb.Append('\n');
        }

        if (alert.Recommendation is not null)
        {
            sb.Append("What to do: ").Append(alert.Recommendation).Append("\n\n");
        }

        sb.Append("Run: ").Append(alert.RunName);
        if (alert.RunId != alert.RunName)
        {
            sb.Append(" (id ").Append(alert.RunId).Append(')');
        }

        if (alert.Step is { } step)
        {
            sb.Append(" · step ").Append(step.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(" · ").Append(alert.Time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Alert key: ").Append(alert.Key).Append('\n');
        return sb.ToString();
    }

    private static string SeverityText(Alert alert) => alert.Severity.ToString().ToLowerInvariant();

    private static void Section(Utf8JsonWriter w, string mrkdwn)
    {
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartObject("text");
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", mrkdwn);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Slack's three control characters in text: &amp;, &lt;, &gt;.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
