using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Runlens.Live.Alerts;

/// <summary>
/// The e-mail subject template: text with placeholders in braces, <c>[{severity}] {run}: {title}</c>; <c>{{</c> and
/// <c>}}</c> write a brace. The placeholders are <see cref="Placeholders"/>; a value that does not apply (the rule of a
/// threshold alert) is empty.
/// </summary>
internal static class SubjectTemplate
{
    /// <summary>run (its name), run_id, severity (ERROR, WARNING, INFO), kind, title, rule (slug), rule_id, metric, step, key.</summary>
    public static ImmutableArray<string> Placeholders { get; } = ["run", "run_id", "severity", "kind", "title", "rule", "rule_id", "metric", "step", "key"];

    /// <summary>What is wrong with <paramref name="template"/>, or null when it is valid.</summary>
    public static string? Check(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Expand(template, null, out var error) is null ? error : null;
    }

    /// <summary>The subject of <paramref name="alert"/>, on one line.</summary>
    public static string Render(string template, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Expand(template, alert, out var error) ?? throw new FormatException(error);
    }

    private static string? Expand(string template, Alert? alert, out string? error)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
            {
                if (i + 1 < template.Length && template[i + 1] == '}')
                {
                    sb.Append('}');
                    i++;
                    continue;
                }

                error = $"the '}}' at position {i + 1} closes nothing; write '}}}}' for a brace";
                return null;
            }

            if (c != '{')
            {
                sb.Append(c is '\r' or '\n' ? ' ' : c);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                error = $"the '{{' at position {i + 1} is not closed; write a placeholder such as {{title}}, or '{{{{' for a brace";
                return null;
            }

            var name = template[(i + 1)..end];
            if (!Placeholders.Contains(name))
            {
                error = $"unknown placeholder '{{{name}}}'; the placeholders are: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}";
                return null;
            }

            if (alert is not null)
            {
                sb.Append(OneLine(Value(name, alert)));
            }

            i = end;
        }

        error = null;
        return sb.ToString();
    }

    private static string Value(string name, Alert a) => name switch
    {
        "run" => a.RunName,
        "run_id" => a.RunId,
        "severity" => a.Severity.ToString().ToUpperInvariant(),
        "kind" => a.Kind,
        "title" => a.Title,
        "rule" => a.Rule ?? "",
        "rule_id" => a.RuleId ?? "",
        "metric" => a.Metric ?? "",
        "step" => a.Step?.ToString(CultureInfo.InvariantCulture) ?? "",
        _ => a.Key,
    };

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
