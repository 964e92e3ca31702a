using System.Collections;
using System.Globalization;
using System.Text;
using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Reports;

/// <summary>Evidence and config values as short human text (shared by Markdown and terminal output).</summary>
internal static class EvidenceText
{
    public static string Label(string name) => name.Replace('_', ' ');

    public static string Value(string name, object? v) => v switch
    {
        null => "—",
        double d when name.Contains("fraction", StringComparison.Ordinal) || name.Contains("relative", StringComparison.Ordinal) => Format.Percent(d),
        double d => Format.Number(d),
        float f => Format.Number(f),
        long l when name.Contains("step", StringComparison.Ordinal) => Format.Step(l),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        string s => s,
        Evidence e => string.Join("; ", e.Items.Select(i => $"{Label(i.Key)} {Value(i.Key, i.Value)}")),
        IEnumerable list => string.Join(name == "trajectory" ? " → " : ", ", list.Cast<object?>().Select(x => Value(name, x))),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Evidence items worth showing: unknowns (null, NaN) are left out of human output; JSON keeps them.</summary>
    public static IEnumerable<(string Label, string Value)> Items(Evidence e) =>
        e.Items.Where(i => i.Value is not null && !(i.Value is double d && double.IsNaN(d))
                && !(i.Value is IEnumerable list and not string && !list.Cast<object?>().Any()))
            .Select(i => (Label(i.Key), Value(i.Key, i.Value)));

    public static string Config(ConfigValue? v) => v switch
    {
        null => "unset",
        { Kind: ConfigValueKind.String } s => "\"" + s.Text + "\"",
        { } x => x.Kind == ConfigValueKind.Number ? Format.Number(x.Number) : x.Text,
    };

    /// <summary>Config changes as an indented JSON object <c>{"key": value, // from X}</c>-style, valid JSON.</summary>
    public static string ChangesJson(IEnumerable<ConfigChange> changes)
    {
        var list = changes.ToList();
        var sb = new StringBuilder("{\n");
        for (var i = 0; i < list.Count; i++)
        {
            var c = list[i];
            sb.Append("  \"").Append(c.Key).Append("\": {\"from\": ").Append(Json(c.From)).Append(", \"to\": ").Append(Json(c.To)).Append('}');
            sb.Append(i < list.Count - 1 ? ",\n" : "\n");
        }

        return sb.Append('}').ToString();
    }

    private static string Json(ConfigValue? v) => v switch
    {
        null => "null",
        { Kind: ConfigValueKind.Null } => "null",
        { Kind: ConfigValueKind.String } s => System.Text.Json.JsonSerializer.Serialize(s.Text),
        { Kind: ConfigValueKind.Boolean } b => b.Boolean ? "true" : "false",
        { } n => double.IsFinite(n.Number) ? n.Number.ToString("R", CultureInfo.InvariantCulture) : "\"" + Format.Number(n.Number) + "\"",
    };
}
