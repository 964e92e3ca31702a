using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Reports;

/// <summary>
/// Evidence and config values as short human text (shared by the Markdown, terminal and HTML reports). Evidence is read
/// back from its JSON (<see cref="EvidenceJson.ToElement"/>), so people see exactly the fields programs get; nothing is
/// computed here, only formatted: steps with thousands separators, fractions and relative changes as percentages, lists of
/// records as short readable items (<c>268: given 3, suspected 2, p given 0.01009, …</c>).
/// </summary>
internal static class EvidenceText
{
    public static string Label(string name) => name.Replace('_', ' ');

    /// <summary>Evidence items worth showing: unknowns (null, NaN) and empty lists are left out of human output; JSON keeps them.</summary>
    public static IEnumerable<(string Label, string Value)> Items(Evidence e)
    {
        foreach (var p in EvidenceJson.ToElement(e).EnumerateObject())
        {
            if (!Unknown(p.Value) && !(p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0))
            {
                yield return (Label(p.Name), Value(p.Name, p.Value));
            }
        }
    }

    /// <summary>One evidence value as text; <paramref name="name"/> (the JSON key) decides how a number reads.</summary>
    public static string Value(string name, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Number => Number(name, v),
        JsonValueKind.Array when v.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object) =>
            string.Join("; ", v.EnumerateArray().Select(x => Value(name, x))),
        JsonValueKind.Array => string.Join(name == "trajectory" ? " → " : ", ", v.EnumerateArray().Select(x => Value(name, x))),
        JsonValueKind.Object => Record(v),
        _ => "—",
    };

    /// <summary>A record as <c>first: label value, label value</c> when its first field is a name, else
    /// <c>label value, …</c>; unknown fields are left out.</summary>
    private static string Record(JsonElement o)
    {
        var head = "";
        var parts = new List<string>();
        var first = true;
        foreach (var p in o.EnumerateObject())
        {
            if (first && p.Value.ValueKind == JsonValueKind.String)
            {
                head = p.Value.GetString() ?? "";
            }
            else if (!Unknown(p.Value))
            {
                parts.Add(Label(p.Name) + " " + Value(p.Name, p.Value));
            }

            first = false;
        }

        return head.Length == 0 ? string.Join(", ", parts) : parts.Count == 0 ? head : head + ": " + string.Join(", ", parts);
    }

    private static string Number(string name, JsonElement v)
    {
        if (IsShare(name))
        {
            return Format.Percent(v.GetDouble());
        }

        var raw = v.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && v.TryGetInt64(out var l))
        {
            return name.Contains("step", StringComparison.Ordinal) ? Format.Step(l) : l.ToString(CultureInfo.InvariantCulture);
        }

        return Format.Number(v.GetDouble());
    }

    /// <summary>Fractions (<c>*_fraction</c>), relative changes (<c>relative_*</c>) and rates of a class's examples (<c>rate</c>)
    /// read as percentages.</summary>
    private static bool IsShare(string name) =>
        name.Contains("fraction", StringComparison.Ordinal) || name.Contains("relative", StringComparison.Ordinal)
        || (name.EndsWith("rate", StringComparison.Ordinal) && !name.EndsWith("learning_rate", StringComparison.Ordinal));

    private static bool Unknown(JsonElement v) =>
        v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.String && v.GetString() == "NaN");

    public static string Config(ConfigValue? v) => v switch
    {
        null => "unset",
        { Kind: ConfigValueKind.String } s => "\"" + s.Text + "\"",
        { } x => x.Kind == ConfigValueKind.Number ? Format.Number(x.Number) : x.Text,
    };

    /// <summary>Config changes as an indented JSON object <c>{"key": value, // from X}</c>-style, valid JSON.</summary>
    /// <summary>The changes as JSON. Changes that know where the trainer takes them are grouped by that destination
    /// (<c>{"TrainingArguments": {...}, "EarlyStoppingCallback": {...}}</c>), each key as that destination spells it
    /// (<c>EarlyStopping.patience</c> is <c>patience</c> of <c>EarlyStopping</c>).</summary>
    public static string ChangesJson(IEnumerable<ConfigChange> changes)
    {
        var list = changes.ToList();
        if (list.Count == 0 || list.Any(c => c.Destination is null))
        {
            return Flat(list, "");
        }

        var groups = list.GroupBy(c => c.Destination!, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("{\n");
        for (var g = 0; g < groups.Count; g++)
        {
            var dest = groups[g].Key;
            var inner = groups[g].Select(c => c.Key.StartsWith(dest + ".", StringComparison.Ordinal) ? c with { Key = c.Key[(dest.Length + 1)..] } : c).ToList();
            sb.Append("  ").Append(Quoted(dest)).Append(": ").Append(Flat(inner, "  "));
            sb.Append(g < groups.Count - 1 ? ",\n" : "\n");
        }

        return sb.Append('}').ToString();
    }

    private static string Flat(List<ConfigChange> list, string indent)
    {
        var sb = new StringBuilder("{\n");
        for (var i = 0; i < list.Count; i++)
        {
            var c = list[i];
            sb.Append(indent).Append("  \"").Append(c.Key).Append("\": {\"from\": ").Append(Json(c.From)).Append(", \"to\": ").Append(Json(c.To)).Append('}');
            sb.Append(i < list.Count - 1 ? ",\n" : "\n");
        }

        return sb.Append(indent).Append('}').ToString();
    }

    /// <summary>A JSON string literal, escaped as System.Text.Json's default encoder escapes it (what
    /// <c>JsonSerializer.Serialize(text)</c> writes, without starting the reflection serializer in a text report).</summary>
    private static string Quoted(string text) => "\"" + JsonEncodedText.Encode(text).Value + "\"";

    private static string Json(ConfigValue? v) => v switch
    {
        null => "null",
        { Kind: ConfigValueKind.Null } => "null",
        { Kind: ConfigValueKind.String } s => Quoted(s.Text),
        { Kind: ConfigValueKind.Boolean } b => b.Boolean ? "true" : "false",
        { } n => double.IsFinite(n.Number) ? n.Number.ToString("R", CultureInfo.InvariantCulture) : "\"" + Format.Number(n.Number) + "\"",
    };
}
