using System.Globalization;

namespace Runlens.Import.Core;

/// <summary>
/// Reads one logged cell as a number the way Python writes them: plain and exponent notation, <c>nan</c>, <c>inf</c>,
/// <c>-inf</c>, <c>Infinity</c> (any case), numbers too large for a double as ±Infinity. Surrounding blanks and quotes
/// are already gone; an empty cell is "no value", not a number.
/// </summary>
internal static class CellValue
{
    public static CellKind Parse(ReadOnlySpan<char> text, out double value)
    {
        var t = text.Trim();
        value = double.NaN;
        if (t.IsEmpty)
        {
            return CellKind.Empty;
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return CellKind.Number;
        }

        var sign = 1.0;
        var body = t;
        if (body[0] is '-' or '+')
        {
            sign = body[0] == '-' ? -1 : 1;
            body = body[1..];
        }

        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return CellKind.Number;
        }

        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return CellKind.Number;
        }

        value = double.NaN;
        return CellKind.Text;
    }

    /// <summary>A step: a whole number (<c>12</c>, <c>12.0</c>, <c>1e3</c>) within ±9e18; null otherwise.</summary>
    public static long? Step(ReadOnlySpan<char> text)
    {
        var t = text.Trim();
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        return Parse(t, out var d) == CellKind.Number ? Whole(d) : null;
    }

    /// <summary><paramref name="d"/> as a step when it is a whole number within ±9e18.</summary>
    public static long? Whole(double d) =>
        double.IsFinite(d) && Math.Abs(d) < 9e18 && d == Math.Floor(d) ? (long)d : null;
}
