using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runlens.Import.Wandb;

/// <summary>
/// JSON as the W&amp;B SDK writes it: Python's <c>json.dumps</c>, which writes the non-standard literals <c>NaN</c>,
/// <c>Infinity</c> and <c>-Infinity</c>. Those are turned into strings before System.Text.Json sees them, and read back
/// as numbers.
/// </summary>
internal static class WandbJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>A JSON scalar number, NaN and ±Infinity included; false for strings, booleans, objects, arrays and junk.</summary>
    public static bool TryParseNumber(string? json, out double value)
    {
        value = double.NaN;
        if (json is null)
        {
            return false;
        }

        var t = json.AsSpan().Trim();
        if (t.Length == 0 || t.Length > 64)
        {
            return false;
        }

        switch (t)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-Infinity":
                value = double.NegativeInfinity;
                return true;
        }

        var c = t[0];
        if (c != '-' && !char.IsAsciiDigit(c))
        {
            return false;
        }

        foreach (var ch in t)
        {
            if (!(char.IsAsciiDigit(ch) || ch is '-' or '+' or '.' or 'e' or 'E'))
            {
                return false;
            }
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A number from an element: a JSON number, or one of the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.</summary>
    public static bool TryGetNumber(JsonElement element, out double value)
    {
        value = double.NaN;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                if (element.TryGetDouble(out value))
                {
                    return true;
                }

                return double.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            case JsonValueKind.String:
                switch (element.GetString())
                {
                    case "NaN":
                        value = double.NaN;
                        return true;
                    case "Infinity":
                        value = double.PositiveInfinity;
                        return true;
                    case "-Infinity":
                        value = double.NegativeInfinity;
                        return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Parses Python-flavoured JSON. Throws <see cref="JsonException"/> on malformed text.</summary>
    public static JsonDocument Parse(string text) => JsonDocument.Parse(QuoteSpecialNumbers(text), Options);

    /// <summary>Wraps the bare literals NaN, Infinity and -Infinity (outside strings) in quotes.</summary>
    internal static string QuoteSpecialNumbers(string text)
    {
        if (!text.Contains("NaN", StringComparison.Ordinal) && !text.Contains("Infinity", StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (inString)
            {
                sb.Append(ch);
                if (ch == '\\' && i + 1 < text.Length)
                {
                    sb.Append(text[++i]);
                }
                else if (ch == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (ch == '"')
            {
                inString = true;
                sb.Append(ch);
            }
            else if (StartsWord(text, i, "NaN"))
            {
                sb.Append("\"NaN\"");
                i += 2;
            }
            else if (StartsWord(text, i, "Infinity"))
            {
                sb.Append("\"Infinity\"");
                i += 7;
            }
            else if (StartsWord(text, i, "-Infinity"))
            {
                sb.Append("\"-Infinity\"");
                i += 8;
            }
            else
            {
                sb.Append(ch);
            }
        }

        return sb.ToString();
    }

    private static bool StartsWord(string text, int i, string word) =>
        string.CompareOrdinal(text, i, word, 0, word.Length) == 0
        && (i + word.Length >= text.Length || !char.IsAsciiLetterOrDigit(text[i + word.Length]));
}
