using System.Globalization;
using System.Numerics;
using Runlens.Model;

namespace Runlens.Import.Core;

/// <summary>
/// How one hyperparameter value becomes a <see cref="ConfigValue"/>, the same from every format. A number is written in
/// one canonical form whatever the file wrote (<c>5e-05</c>, <c>5.0e-05</c> and <c>0.00005</c> are all <c>5e-05</c>; a
/// whole number has no fraction: <c>3.0</c> is <c>3</c>; exponents as Python writes them: lower-case <c>e</c>, two digits);
/// integers keep every digit; NaN and infinities are <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>. Text that carries no
/// type (MLflow parameters, TensorBoard string hparams, plain YAML scalars) is typed by <see cref="FromText"/>.
/// </summary>
internal static class ConfigScalars
{
    /// <summary>A number in the canonical form.</summary>
    public static ConfigValue Number(double value) => ConfigValue.Parse(NumberText(value));

    /// <summary>An integer, every digit kept.</summary>
    public static ConfigValue Integer(long value) => ConfigValue.Parse(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The canonical text of a number (see the type's summary).</summary>
    public static string NumberText(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e16)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        return PythonRepr(value);
    }

    /// <summary>The shortest digits that read back as the same double, laid out as Python's <c>repr(float)</c> lays them
    /// out: an exponent (<c>1e-05</c>, <c>1.5e+20</c>) below 1e-4 and from 1e16 on, plain digits between.</summary>
    private static string PythonRepr(double value)
    {
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? r : r[..e];
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var before = (point < 0 ? mantissa.Length : point) + exponent; // digits before the decimal point
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        before -= lead;
        if (digits.Length == 0)
        {
            return "0";
        }

        var sign = value < 0 ? "-" : "";
        var x = before - 1; // the decimal exponent of the first digit
        if (x < -4 || x >= 16)
        {
            var tail = digits.Length > 1 ? "." + digits[1..] : "";
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{digits[0]}{tail}e{(x < 0 ? "-" : "+")}{Math.Abs(x):00}");
        }

        if (before <= 0)
        {
            return sign + "0." + new string('0', -before) + digits;
        }

        return digits.Length <= before
            ? sign + digits + new string('0', before - digits.Length)
            : sign + digits[..before] + "." + digits[before..];
    }

    /// <summary>
    /// Types text that was written without a type: <c>null</c>/<c>None</c>/<c>~</c> are null; <c>true</c>/<c>false</c>
    /// (any of Python's and YAML's capitalisations) are booleans; numbers (Python's <c>nan</c>, <c>inf</c> included) are
    /// numbers in the canonical form; everything else is the text itself, untrimmed. Containers written as text (an
    /// MLflow parameter <c>[1, 2]</c>) are the flattener's business, not this one's.
    /// </summary>
    public static ConfigValue FromText(string? text)
    {
        if (text is null)
        {
            return ConfigValue.Null;
        }

        var t = text.AsSpan().Trim();
        if (t.Length == 0)
        {
            return ConfigValue.Of(text);
        }

        if (t is "null" or "Null" or "NULL" or "None" or "~")
        {
            return ConfigValue.Null;
        }

        if (t is "true" or "True" or "TRUE")
        {
            return ConfigValue.Of(true);
        }

        if (t is "false" or "False" or "FALSE")
        {
            return ConfigValue.Of(false);
        }

        return TryNumber(t, out var number) ? number : ConfigValue.Of(text);
    }

    /// <summary>Text that is a number (an integer keeps its digits), in the canonical form.</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out ConfigValue value)
    {
        var t = text.Trim();
        value = default;
        if (t.Length == 0 || t.Length > 400)
        {
            return false;
        }

        if (IsInteger(t) && BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
        {
            value = big >= long.MinValue && big <= long.MaxValue
                ? Integer((long)big)
                : ConfigValue.Parse(big.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        if (CellValue.Parse(t, out var d) != CellKind.Number)
        {
            return false;
        }

        value = Number(d);
        return true;
    }

    private static bool IsInteger(ReadOnlySpan<char> t)
    {
        var digits = t[0] is '-' or '+' ? t[1..] : t;
        return digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
