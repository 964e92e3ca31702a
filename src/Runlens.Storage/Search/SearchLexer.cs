using System.Globalization;
using System.Text;

namespace Runlens.Storage.Search;

/// <summary>
/// Splits a filter or order_by clause into tokens, roughly as the SQL lexer MLflow uses (sqlparse) does. Quoted text
/// may escape its quote by doubling it (<c>'it''s'</c>) or, in single and double quotes, with a backslash.
/// </summary>
internal static class SearchLexer
{
    private const string OperatorChars = "<>=!~";
    private const NumberStyles NumberStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <param name="failure">Starts the message of a lexing error, e.g. <c>Invalid filter '…'.</c></param>
    public static List<SearchToken> Tokenize(string text, string failure)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var start = i;
            if (c == '\'')
            {
                var value = ReadQuoted(text, ref i, failure);
                tokens.Add(new SearchToken(SearchTokenKind.String, text[start..i], start, value, []));
            }
            else if (c is '"' or '`' || IsIdentifierStart(c))
            {
                tokens.Add(ReadIdentifier(text, ref i, failure));
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (OperatorChars.Contains(c, StringComparison.Ordinal))
            {
                while (i < text.Length && OperatorChars.Contains(text[i], StringComparison.Ordinal))
                    i++;
                tokens.Add(Simple(SearchTokenKind.Operator, text, start, i));
            }
            else
            {
                i++;
                var kind = c switch
                {
                    '(' => SearchTokenKind.OpenParen,
                    ')' => SearchTokenKind.CloseParen,
                    ',' => SearchTokenKind.Comma,
                    _ => SearchTokenKind.Other,
                };
                tokens.Add(Simple(kind, text, start, i));
            }
        }
        return tokens;
    }

    private static SearchToken Simple(SearchTokenKind kind, string text, int start, int end)
    {
        var raw = text[start..end];
        return new SearchToken(kind, raw, start, raw, []);
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static SearchToken ReadIdentifier(string text, ref int i, string failure)
    {
        var start = i;
        var parts = new List<IdentifierPart>();
        while (true)
        {
            var c = text[i];
            if (c is '"' or '`')
            {
                parts.Add(new IdentifierPart(ReadQuoted(text, ref i, failure), c));
            }
            else
            {
                var partStart = i;
                while (i < text.Length && IsIdentifierChar(text[i]))
                    i++;
                parts.Add(new IdentifierPart(text[partStart..i], '\0'));
            }
            // Another part follows a dot directly: metrics.loss, tags."mlflow.user", metrics.`val loss`.
            if (i + 1 < text.Length && text[i] == '.' && (IsIdentifierChar(text[i + 1]) || text[i + 1] is '"' or '`'))
                i++;
            else
                break;
        }
        var raw = text[start..i];
        return new SearchToken(SearchTokenKind.Identifier, raw, start, raw, parts);
    }

    /// <summary>A number, or, where the run of characters is not one (<c>1abc</c>, <c>1.2.3</c>), an
    /// <see cref="SearchTokenKind.Other"/> token holding all of it.</summary>
    private static SearchToken ReadNumber(string text, ref int i)
    {
        var start = i;
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            var exponentSign = c is '+' or '-' && text[i - 1] is 'e' or 'E';
            if (!IsIdentifierChar(c) && c != '.' && !exponentSign)
                break;
            i++;
        }
        var raw = text[start..i];
        var kind = double.TryParse(raw, NumberStyle, CultureInfo.InvariantCulture, out _) ? SearchTokenKind.Number : SearchTokenKind.Other;
        return new SearchToken(kind, raw, start, raw, []);
    }

    /// <summary>Reads quoted text starting at the opening quote; leaves <paramref name="i"/> after the closing one.</summary>
    private static string ReadQuoted(string text, ref int i, string failure)
    {
        var quote = text[i];
        var start = i;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }
                i++;
                return value.ToString();
            }
            if (c == '\\' && quote != '`' && i + 1 < text.Length && text[i + 1] == quote)
            {
                value.Append(quote);
                i += 2;
                continue;
            }
            value.Append(c);
            i++;
        }
        throw new SearchSyntaxException(
            $"{failure} Could not be parsed: the quote ({quote}) opened at position {start.ToString(CultureInfo.InvariantCulture)} is never closed.");
    }
}
