using System.Buffers;
using csFastFloat;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Reads one <c>log_history</c> entry of the plain shape <c>json.dump</c> writes straight from its UTF-8 bytes: an object
/// whose names are printable ASCII without escapes, each holding a JSON number, a rewritten non-finite literal (see
/// <see cref="Core.PythonJson.RewriteNonFiniteLiterals"/>), another printable ASCII string without escapes, <c>true</c>,
/// <c>false</c> or <c>null</c>. It takes from it what <see cref="HfLogChunk"/>'s <see cref="System.Text.Json.Utf8JsonReader"/>
/// pass takes (the numeric values in order, the step, the epoch), parsing each number with the same fast_float call.
/// Anything else (an escape, a byte outside printable ASCII, a comment, a trailing comma, a nested value, a step that is
/// not a plain integer, a number fast_float does not read to a finite double, a malformed token) is
/// <see cref="Unusual"/>: that entry is read by the reader, so the result is the reader's, damage included. On the
/// generated 1,000,000-entry bench file the whole import takes about a quarter less CPU with it (README, "Where the two
/// large-log rows spend their CPU").
/// </summary>
internal static class HfEntryScanner
{
    /// <summary>The entry goes on past the end of the bytes given.</summary>
    public const int More = 0;

    /// <summary>The entry is not of the plain shape: read it with the reader.</summary>
    public const int Unusual = -1;

    private const int MaxStepDigits = 18;

    private static readonly SearchValues<byte> QuoteOrEscape = SearchValues.Create("\"\\"u8);

    /// <summary>Scans the entry that starts with the opening brace at <paramref name="s"/>[0].</summary>
    /// <param name="final">No bytes follow <paramref name="s"/> in the file: an entry cut by its end is
    /// <see cref="Unusual"/> (the reader reports it), not <see cref="More"/>.</param>
    /// <param name="literals">Rewritten non-finite literals by file offset; <paramref name="offset"/> is the file offset of
    /// <paramref name="s"/>[0].</param>
    /// <returns>The bytes the entry takes (through its closing brace), <see cref="More"/> or <see cref="Unusual"/>.</returns>
    /// <param name="shape">Filled with where each value lies and what it is, for <see cref="HfEntryTemplate"/>.</param>
    public static int Scan(ReadOnlySpan<byte> s, bool final, HfPropertyNames names, List<(string Name, double Value)> values,
        Dictionary<long, double> literals, long offset, HfEntryShape shape, out long? step, out double epoch)
    {
        values.Clear();
        shape.Count = 0;
        step = null;
        epoch = double.NaN;
        var cut = final ? Unusual : More;
        var i = 1;
        if (!SkipWhiteSpace(s, ref i))
        {
            return cut;
        }

        if (s[i] == (byte)'}')
        {
            return i + 1;
        }

        for (var position = 0; ; position++)
        {
            if (s[i] != (byte)'"')
            {
                return Unusual;
            }

            var length = s[(i + 1)..].IndexOfAny(QuoteOrEscape);
            if (length < 0)
            {
                return cut;
            }

            if (s[i + 1 + length] != (byte)'"' || names.Get(s.Slice(i + 1, length), position) is not { } name)
            {
                return Unusual;
            }

            i += length + 2;
            if (!SkipWhiteSpace(s, ref i))
            {
                return cut;
            }

            if (s[i] != (byte)':')
            {
                return Unusual;
            }

            i++;
            if (!SkipWhiteSpace(s, ref i))
            {
                return cut;
            }

            var valueStart = i;
            var read = Value(s, ref i, name, literals, offset, values, ref step, ref epoch);
            if (read != 1)
            {
                return read == More ? cut : Unusual;
            }

            shape.Add(valueStart, i, s[valueStart] == (byte)'-' || IsDigit(s[valueStart])
                ? name == "step" ? HfSlot.Step : name == "epoch" ? HfSlot.Epoch : HfSlot.Value
                : HfSlot.Other);

            if (!SkipWhiteSpace(s, ref i))
            {
                return cut;
            }

            if (s[i] == (byte)'}')
            {
                return i + 1;
            }

            if (s[i] != (byte)',')
            {
                return Unusual;
            }

            i++;
            if (!SkipWhiteSpace(s, ref i))
            {
                return cut;
            }
        }
    }

    /// <summary>Reads the value at <paramref name="i"/> for <paramref name="name"/>: 1 when read (and
    /// <paramref name="i"/> moved past it), <see cref="More"/> or <see cref="Unusual"/>.</summary>
    private static int Value(ReadOnlySpan<byte> s, ref int i, string name, Dictionary<long, double> literals, long offset,
        List<(string Name, double Value)> values, ref long? step, ref double epoch)
    {
        var start = i;
        var c = s[i];
        double value;
        if (c == (byte)'-' || IsDigit(c))
        {
            var end = NumberEnd(s, i, out var integer);
            if (end < 0 || end == s.Length)
            {
                return end < 0 ? Unusual : More; // a number at the end of the bytes may go on
            }

            var number = s[start..end];
            i = end;
            if (name == "step")
            {
                if (!integer || number.Length > MaxStepDigits)
                {
                    return Unusual;
                }

                step = Integer(number);
                return 1;
            }

            if (!FastDoubleParser.TryParseDouble(number, out var used, out value) || used != number.Length || !double.IsFinite(value))
            {
                return Unusual;
            }
        }
        else if (c == (byte)'"')
        {
            var length = s[(i + 1)..].IndexOfAny(QuoteOrEscape);
            if (length < 0)
            {
                return More;
            }

            if (name == "step" || s[i + 1 + length] != (byte)'"' || s.Slice(i + 1, length).ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
            {
                return Unusual;
            }

            i += length + 2;
            if (literals.Count == 0 || !literals.TryGetValue(offset + start, out value))
            {
                return 1; // a string: not a value
            }
        }
        else
        {
            var literal = c switch
            {
                (byte)'t' => "true"u8,
                (byte)'f' => "false"u8,
                (byte)'n' => "null"u8,
                _ => [],
            };
            if (literal.IsEmpty || name == "step")
            {
                return Unusual;
            }

            if (s.Length - i < literal.Length)
            {
                return More;
            }

            if (!s.Slice(i, literal.Length).SequenceEqual(literal))
            {
                return Unusual;
            }

            i += literal.Length;
            return 1; // not a value
        }

        if (name == "epoch")
        {
            epoch = value;
        }
        else
        {
            values.Add((name, value));
        }

        return 1;
    }

    /// <summary>The end of the JSON number at <paramref name="i"/> (RFC 8259's grammar), or -1 when the bytes there are
    /// not one; <paramref name="integer"/> when it has neither fraction nor exponent.</summary>
    private static int NumberEnd(ReadOnlySpan<byte> s, int i, out bool integer)
    {
        integer = false;
        if (s[i] == (byte)'-' && ++i == s.Length)
        {
            return i;
        }

        if (s[i] == (byte)'0')
        {
            i++;
        }
        else if (IsDigit(s[i]))
        {
            i = Digits(s, i);
        }
        else
        {
            return -1;
        }

        integer = i == s.Length || (s[i] != (byte)'.' && (s[i] | 0x20) != (byte)'e');
        if (i < s.Length && s[i] == (byte)'.')
        {
            if (++i == s.Length)
            {
                return i;
            }

            if (!IsDigit(s[i]))
            {
                return -1;
            }

            i = Digits(s, i);
        }

        if (i < s.Length && (s[i] | 0x20) == (byte)'e')
        {
            if (++i < s.Length && s[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (i == s.Length)
            {
                return i;
            }

            if (!IsDigit(s[i]))
            {
                return -1;
            }

            i = Digits(s, i);
        }

        return i;
    }

    private static int Digits(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static long Integer(ReadOnlySpan<byte> digits)
    {
        var negative = digits[0] == (byte)'-';
        long v = 0;
        foreach (var d in negative ? digits[1..] : digits)
        {
            v = (v * 10) + (d - '0');
        }

        return negative ? -v : v;
    }

    private static bool SkipWhiteSpace(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i < s.Length;
    }
}
