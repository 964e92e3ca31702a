using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Runlens.Import.Core;

/// <summary>
/// Reads a list, tuple or dict written as text the way Python's <c>str()</c> writes it (<c>[0.9, 0.999]</c>,
/// <c>('a', 'b')</c>, <c>{'lr': 0.1, 'nesterov': True}</c>), or as JSON: MLflow's <c>log_params</c> and Lightning's
/// TensorBoard logger store containers that way. Only literals are read (numbers, strings in either quote, <c>True</c>,
/// <c>False</c>, <c>None</c>, <c>nan</c>, <c>inf</c> and their JSON spellings, nested containers); anything else — an
/// object's repr, a call, a stray bracket — is not a literal and stays text.
/// </summary>
internal static class PythonLiteral
{
    private const int MaxDepth = 16;
    private const int MaxLength = 64 * 1024;

    /// <summary>The container <paramref name="text"/> holds, or null when it is not a whole list, tuple or dict literal.</summary>
    public static JsonNode? TryParseContainer(string? text)
    {
        if (text is null || text.Length > MaxLength)
        {
            return null;
        }

        var t = text.Trim();
        if (t.Length < 2 || !((t[0] == '[' && t[^1] == ']') || (t[0] == '(' && t[^1] == ')') || (t[0] == '{' && t[^1] == '}')))
        {
            return null;
        }

        var parser = new Parser(t);
        try
        {
            var node = parser.Value(0);
            parser.SkipBlanks();
            return parser.AtEnd && node is JsonObject or JsonArray ? node : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public void SkipBlanks()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        public JsonNode? Value(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new FormatException("nested too deep");
            }

            SkipBlanks();
            if (AtEnd)
            {
                throw new FormatException("a value is missing");
            }

            var c = text[_at];
            switch (c)
            {
                case '[':
                    _at++;
                    return Sequence(']', depth);
                case '(':
                    _at++;
                    return Sequence(')', depth);
                case '{':
                    _at++;
                    return Mapping(depth);
                case '\'' or '"':
                    return JsonValue.Create(Quoted());
                default:
                    return Bare();
            }
        }

        private JsonArray Sequence(char close, int depth)
        {
            var a = new JsonArray();
            while (true)
            {
                SkipBlanks();
                if (Take(close))
                {
                    return a;
                }

                a.Add(Value(depth + 1));
                SkipBlanks();
                if (Take(close))
                {
                    return a;
                }

                Expect(',');
            }
        }

        private JsonObject Mapping(int depth)
        {
            var o = new JsonObject();
            while (true)
            {
                SkipBlanks();
                if (Take('}'))
                {
                    return o;
                }

                var key = Value(depth + 1);
                var name = key switch
                {
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    JsonValue v => v.ToJsonString(),
                    null => "None",
                    _ => throw new FormatException("a key that is not a scalar"),
                };
                SkipBlanks();
                Expect(':');
                o[name] = Value(depth + 1);
                SkipBlanks();
                if (Take('}'))
                {
                    return o;
                }

                Expect(',');
            }
        }

        private string Quoted()
        {
            var quote = text[_at++];
            var sb = new StringBuilder();
            while (_at < text.Length)
            {
                var c = text[_at++];
                if (c == quote)
                {
                    return sb.ToString();
                }

                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (_at >= text.Length)
                {
                    break;
                }

                var e = text[_at++];
                switch (e)
                {
                    case 'n':
                        sb.Append('\n');
                        break;
                    case 't':
                        sb.Append('\t');
                        break;
                    case 'r':
                        sb.Append('\r');
                        break;
                    case 'b':
                        sb.Append('\b');
                        break;
                    case 'f':
                        sb.Append('\f');
                        break;
                    case 'x':
                        sb.Append((char)Hex(2));
                        break;
                    case 'u':
                        sb.Append((char)Hex(4));
                        break;
                    default:
                        sb.Append(e); // \\, \', \", \/
                        break;
                }
            }

            throw new FormatException("a string that never closes");
        }

        private int Hex(int digits)
        {
            if (_at + digits > text.Length
                || !int.TryParse(text.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new FormatException("a bad escape");
            }

            _at += digits;
            return code;
        }

        private JsonNode? Bare()
        {
            var start = _at;
            while (_at < text.Length && !(char.IsWhiteSpace(text[_at]) || text[_at] is ',' or ':' or ']' or ')' or '}' or '[' or '(' or '{'))
            {
                _at++;
            }

            var word = text.AsSpan(start, _at - start);
            switch (word)
            {
                case "None" or "null":
                    return null;
                case "True" or "true":
                    return JsonValue.Create(true);
                case "False" or "false":
                    return JsonValue.Create(false);
                case "nan" or "NaN":
                    return JsonValue.Create(double.NaN);
                case "inf" or "Infinity":
                    return JsonValue.Create(double.PositiveInfinity);
                case "-inf" or "-Infinity":
                    return JsonValue.Create(double.NegativeInfinity);
            }

            var digits = word.Length > 0 && word[0] is '-' or '+' ? word[1..] : word;
            if (digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0
                && long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return JsonValue.Create(l);
            }

            if (word.Length > 0 && (char.IsAsciiDigit(word[0]) || word[0] is '-' or '+' or '.')
                && word.IndexOfAnyExcept("0123456789+-.eE") < 0
                && double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return JsonValue.Create(d);
            }

            throw new FormatException("not a literal");
        }

        private bool Take(char c)
        {
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!Take(c))
            {
                throw new FormatException("expected " + c);
            }
        }
    }
}
