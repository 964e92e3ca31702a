using System.Text;

namespace Runlens.Storage.Search;

/// <summary>
/// A SQL LIKE pattern: <c>%</c> matches any run of characters, <c>_</c> exactly one; everything else is literal
/// (no regular expressions: <c>.</c>, <c>*</c>, <c>(</c> match themselves). A backslash makes the next character
/// literal (<c>\%</c>, <c>\_</c>, <c>\\</c>), as PostgreSQL's LIKE does. The whole value must match.
/// </summary>
internal sealed class LikePattern
{
    private const int AnyRun = -1;
    private const int AnyOne = -2;

    private readonly int[] _pattern;
    private readonly bool _ignoreCase;

    private LikePattern(int[] pattern, bool ignoreCase)
    {
        _pattern = pattern;
        _ignoreCase = ignoreCase;
    }

    /// <param name="ignoreCase">ILIKE: compare case-insensitively.</param>
    public static LikePattern Create(string pattern, bool ignoreCase)
    {
        var runes = pattern.EnumerateRunes().ToArray();
        var items = new List<int>(runes.Length);
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            if (rune.Value == '\\' && i + 1 < runes.Length)
                items.Add(Fold(runes[++i], ignoreCase));
            else if (rune.Value == '%')
                items.Add(AnyRun);
            else if (rune.Value == '_')
                items.Add(AnyOne);
            else
                items.Add(Fold(rune, ignoreCase));
        }
        return new LikePattern([.. items], ignoreCase);
    }

    public bool IsMatch(string text)
    {
        var value = text.EnumerateRunes().Select(r => Fold(r, _ignoreCase)).ToArray();
        int t = 0, p = 0, star = -1, resume = 0;
        while (t < value.Length)
        {
            if (p < _pattern.Length && (_pattern[p] == AnyOne || _pattern[p] == value[t]))
            {
                t++;
                p++;
            }
            else if (p < _pattern.Length && _pattern[p] == AnyRun)
            {
                // Let the % match nothing for now; come back and let it take one more character on a mismatch.
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < _pattern.Length && _pattern[p] == AnyRun)
            p++;
        return p == _pattern.Length;
    }

    /// <summary>The pattern written for another matcher: every <c>%</c> as <paramref name="anyRun"/>, every <c>_</c> as
    /// <paramref name="anyOne"/>, every literal character (case-folded for ILIKE, see <see cref="FoldCase"/>) through
    /// <paramref name="literal"/>.</summary>
    public string Rewrite(string anyRun, string anyOne, Func<Rune, string> literal)
    {
        var text = new StringBuilder();
        foreach (var item in _pattern)
        {
            text.Append(item switch
            {
                AnyRun => anyRun,
                AnyOne => anyOne,
                _ => literal(new Rune(item)),
            });
        }

        return text.ToString();
    }

    /// <summary>The text with every character case-folded as ILIKE compares them (upper-cased, then lower-cased).</summary>
    public static string FoldCase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            folded.Append(new Rune(Fold(rune, ignoreCase: true)).ToString());
        }

        return folded.ToString();
    }

    private static int Fold(Rune rune, bool ignoreCase) => ignoreCase ? Rune.ToLowerInvariant(Rune.ToUpperInvariant(rune)).Value : rune.Value;
}
