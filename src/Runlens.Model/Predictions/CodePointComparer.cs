namespace Runlens.Model.Predictions;

/// <summary>
/// Orders strings by Unicode code point, as Python's <c>sorted</c> and numpy's string sort do. This differs from
/// <see cref="StringComparer.Ordinal"/> (UTF-16 code units) only when a supplementary character (a surrogate pair) meets a
/// character in U+E000–U+FFFF.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    private CodePointComparer()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a == b)
            {
                continue;
            }

            // a surrogate (U+D800–U+DFFF) stands for a code point above U+FFFF: it sorts after every BMP character
            var sa = char.IsSurrogate(a);
            var sb = char.IsSurrogate(b);
            if (sa != sb)
            {
                return sa ? 1 : -1;
            }

            return a < b ? -1 : 1;
        }

        return x.Length.CompareTo(y.Length);
    }
}
