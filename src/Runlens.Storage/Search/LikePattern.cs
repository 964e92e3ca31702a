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

    private static int Fold(Rune rune, bool ignoreCase) => ignoreCase ? Rune.ToLowerInvariant(Rune.ToUpperInvariant(rune)).Value : rune.Value;
}
