using System.Buffers.Binary;
using csFastFloat;

namespace Runlens.Import.HfTrainer;

/// <summary>What a value of a plain <c>log_history</c> entry is, as <see cref="HfEntryScanner"/> read it.</summary>
internal enum HfSlot : byte
{
    /// <summary>A number that goes to its name's series.</summary>
    Value,

    /// <summary>The number of <c>step</c>.</summary>
    Step,

    /// <summary>The number of <c>epoch</c>.</summary>
    Epoch,

    /// <summary>Anything but a number (a string, a rewritten literal, <c>true</c>, <c>false</c>, <c>null</c>).</summary>
    Other,
}

/// <summary>Where each value of the entry <see cref="HfEntryScanner.Scan"/> last read lies in its bytes, and what it is.</summary>
internal sealed class HfEntryShape
{
    public const int MaxSlots = 32;

    public int[] Starts { get; } = new int[MaxSlots];

    public int[] Ends { get; } = new int[MaxSlots];

    public HfSlot[] Slots { get; } = new HfSlot[MaxSlots];

    /// <summary>Values read, counting past <see cref="MaxSlots"/> (only the first are kept).</summary>
    public int Count { get; set; }

    public void Add(int start, int end, HfSlot slot)
    {
        if (Count < MaxSlots)
        {
            Starts[Count] = start;
            Ends[Count] = end;
            Slots[Count] = slot;
        }

        Count++;
    }
}

/// <summary>
/// The bytes of a plain entry outside its values (its white space, names, colons, commas and braces), kept from an entry
/// <see cref="HfEntryScanner.Scan"/> read whole and whose every value was a number. <c>json.dump</c> writes each
/// training or evaluation entry with the same names in the same order and the same indentation, so the next entries
/// are mostly the same bytes around different numbers: <see cref="Match"/> compares those bytes at once instead of
/// reading white space and names byte by byte. An entry that matches them byte for byte holds the same names in the
/// same places (the bytes between two values were read as white space, a comma, a name, a colon), so it reads as
/// <see cref="HfEntryScanner.Scan"/> would read it; anything else (another byte, a value that is not a plain number, an
/// entry cut by the end of the buffer) is left to <see cref="HfEntryScanner.Scan"/>.
/// </summary>
internal sealed class HfEntryTemplate
{
    private const int MaxStepDigits = 18;

    /// <summary>10^0 … 10^22: the powers of ten a double holds exactly.</summary>
    private static readonly double[] ExactPowers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    private byte[] _bytes = new byte[256];

    /// <summary>Piece k (the bytes before value k; the last piece is the bytes after the last value) is
    /// <c>_bytes[_pieceStarts[k].._pieceStarts[k + 1]]</c>.</summary>
    private readonly int[] _pieceStarts = new int[HfEntryShape.MaxSlots + 2];

    private readonly HfSlot[] _slots = new HfSlot[HfEntryShape.MaxSlots];
    private int _slotCount;

    /// <summary>The series of each <see cref="HfSlot.Value"/>, in order.</summary>
    public HfPointChunks[] Series { get; } = new HfPointChunks[HfEntryShape.MaxSlots];

    public int Values { get; private set; }

    /// <summary>Whether the template holds an entry.</summary>
    public bool IsSet { get; private set; }

    /// <summary>Whether an entry read as <paramref name="shape"/> says can be a template: every value a number, and not
    /// more of them than the template keeps.</summary>
    public static bool CanHold(HfEntryShape shape)
    {
        if (shape.Count > HfEntryShape.MaxSlots)
        {
            return false;
        }

        for (var k = 0; k < shape.Count; k++)
        {
            if (shape.Slots[k] == HfSlot.Other)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keeps the bytes of <paramref name="entry"/> (the whole entry, braces included) around the values
    /// <paramref name="shape"/> found, and the series its values went to.</summary>
    public void Set(ReadOnlySpan<byte> entry, HfEntryShape shape, IReadOnlyList<HfPointChunks> series)
    {
        if (_bytes.Length < entry.Length)
        {
            _bytes = new byte[Math.Max(entry.Length, _bytes.Length * 2)];
        }

        var at = 0;
        var from = 0;
        var values = 0;
        for (var k = 0; k < shape.Count; k++)
        {
            _pieceStarts[k] = at;
            var piece = entry[from..shape.Starts[k]];
            piece.CopyTo(_bytes.AsSpan(at));
            at += piece.Length;
            from = shape.Ends[k];
            _slots[k] = shape.Slots[k];
            if (shape.Slots[k] == HfSlot.Value)
            {
                Series[values] = series[values];
                values++;
            }
        }

        _pieceStarts[shape.Count] = at;
        entry[from..].CopyTo(_bytes.AsSpan(at));
        _pieceStarts[shape.Count + 1] = at + entry.Length - from;
        _slotCount = shape.Count;
        Values = values;
        IsSet = true;
    }

    /// <summary>Reads the entry at <paramref name="s"/>[0] when it is this template's bytes around plain numbers: the
    /// bytes it takes, the values of its <see cref="HfSlot.Value"/> slots in <paramref name="values"/>, its step and
    /// epoch as <see cref="HfEntryScanner.Scan"/> gives them; 0 when it is not (or may go on past the bytes given).</summary>
    public int Match(ReadOnlySpan<byte> s, Span<double> values, out long? step, out double epoch)
    {
        step = null;
        epoch = double.NaN;
        var i = 0;
        var v = 0;
        var pieces = _bytes.AsSpan();
        for (var k = 0; k < _slotCount; k++)
        {
            var piece = pieces[_pieceStarts[k].._pieceStarts[k + 1]];
            if (s.Length - i <= piece.Length || !s.Slice(i, piece.Length).SequenceEqual(piece))
            {
                return 0;
            }

            i += piece.Length;
            switch (_slots[k])
            {
                case HfSlot.Step:
                    if (!TryStep(s, ref i, out var st))
                    {
                        return 0;
                    }

                    step = st;
                    break;
                case HfSlot.Epoch:
                    if (!TryNumber(s, ref i, out epoch))
                    {
                        return 0;
                    }

                    break;
                default:
                    if (!TryNumber(s, ref i, out values[v++]))
                    {
                        return 0;
                    }

                    break;
            }
        }

        var last = pieces[_pieceStarts[_slotCount].._pieceStarts[_slotCount + 1]];
        if (s.Length - i < last.Length || !s.Slice(i, last.Length).SequenceEqual(last))
        {
            return 0;
        }

        return i + last.Length;
    }

    /// <summary>Reads the step at <paramref name="s"/>[<paramref name="i"/>] as <see cref="HfEntryScanner"/> does: a
    /// plain integer of at most 18 characters that ends before the bytes do.</summary>
    private static bool TryStep(ReadOnlySpan<byte> s, ref int i, out long step)
    {
        step = 0;
        var p = i;
        var negative = p < s.Length && s[p] == (byte)'-';
        if (negative)
        {
            p++;
        }

        var first = p;
        if (p < s.Length && s[p] == (byte)'0')
        {
            p++;
        }
        else
        {
            while (p < s.Length && IsDigit(s[p]))
            {
                p++;
            }
        }

        if (p == first || p >= s.Length || p - i > MaxStepDigits || s[p] == (byte)'.' || (s[p] | 0x20) == (byte)'e')
        {
            return false; // no digits, maybe more of them past the bytes, too long, or not an integer: Scan decides
        }

        long value = 0;
        for (var d = first; d < p; d++)
        {
            value = (value * 10) + (s[d] - '0');
        }

        step = negative ? -value : value;
        i = p;
        return true;
    }

    /// <summary>
    /// Reads the JSON number at <paramref name="s"/>[<paramref name="i"/>] (RFC 8259's grammar) to the double fast_float
    /// gives for it, moving <paramref name="i"/> past it; false when there is no number there, when it may go on past the
    /// bytes given, or when it is not finite. A number of at most 19 digits whose digits, read as a whole number, are at
    /// most 2^53 and whose power of ten is within ±22 is that whole number multiplied or divided by an exactly held
    /// power of ten: both operands are exact, so the one IEEE operation rounds the decimal value correctly, which is
    /// what fast_float gives too (Clinger's fast path, the first thing fast_float itself tries). Any other number goes
    /// to fast_float.
    /// </summary>
    internal static bool TryNumber(ReadOnlySpan<byte> s, ref int i, out double value)
    {
        value = 0;
        var p = i;
        var negative = p < s.Length && s[p] == (byte)'-';
        if (negative)
        {
            p++;
        }

        if (p >= s.Length)
        {
            return false;
        }

        ulong w = 0;
        var intStart = p;
        if (s[p] == (byte)'0')
        {
            p++;
        }
        else if (IsDigit(s[p]))
        {
            w = Digits(s, ref p, w);
        }
        else
        {
            return false;
        }

        var digits = p - intStart;
        var fraction = 0;
        if (p < s.Length && s[p] == (byte)'.')
        {
            var fractionStart = ++p;
            w = Digits(s, ref p, w);

            fraction = p - fractionStart;
            if (fraction == 0)
            {
                return false;
            }

            digits += fraction;
        }

        var exponent = 0;
        if (p < s.Length && (s[p] | 0x20) == (byte)'e')
        {
            p++;
            var negativeExponent = false;
            if (p < s.Length && s[p] is (byte)'+' or (byte)'-')
            {
                negativeExponent = s[p] == (byte)'-';
                p++;
            }

            var exponentStart = p;
            while (p < s.Length && IsDigit(s[p]))
            {
                if (exponent < 100_000)
                {
                    exponent = (exponent * 10) + (s[p] - '0');
                }

                p++;
            }

            if (p == exponentStart)
            {
                return false;
            }

            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }

        if (p >= s.Length)
        {
            return false; // the number may go on past the bytes given
        }

        var number = s[i..p];
        var q = exponent - fraction;
        if (digits <= 19 && w <= 1UL << 53 && q is >= -22 and <= 22)
        {
            value = q >= 0 ? w * ExactPowers[q] : w / ExactPowers[-q];
            if (negative)
            {
                value = -value;
            }

            i = p;
            return true;
        }

        if (!FastDoubleParser.TryParseDouble(number, out var used, out value) || used != number.Length || !double.IsFinite(value))
        {
            return false;
        }

        i = p;
        return true;
    }

    /// <summary>Appends the digits at <paramref name="s"/>[<paramref name="p"/>] to <paramref name="w"/> (wrapping past
    /// 19 digits: the caller counts them), eight at a time while eight are there, and moves past them.</summary>
    private static ulong Digits(ReadOnlySpan<byte> s, ref int p, ulong w)
    {
        while (s.Length - p >= 8)
        {
            var eight = BinaryPrimitives.ReadUInt64LittleEndian(s[p..]);
            if (!AreEightDigits(eight))
            {
                break;
            }

            w = unchecked((w * 100_000_000) + EightDigits(eight));
            p += 8;
        }

        while (p < s.Length && IsDigit(s[p]))
        {
            w = unchecked((w * 10) + (uint)(s[p] - '0'));
            p++;
        }

        return w;
    }

    /// <summary>Whether each of the eight bytes is an ASCII digit: its high nibble is 3, and adding 6 leaves it 3.</summary>
    private static bool AreEightDigits(ulong v) =>
        ((v & 0xF0F0F0F0F0F0F0F0) | (((v + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) == 0x3333333333333333;

    /// <summary>The value of eight ASCII digits read little-endian (the first digit in the lowest byte): pairs, then
    /// fours, then the eight combined by multiplications within the word.</summary>
    private static uint EightDigits(ulong v)
    {
        v -= 0x3030303030303030;
        v = (v * 10) + (v >> 8);
        v = (((v & 0x000000FF000000FF) * 0x000F424000000064) + (((v >> 16) & 0x000000FF000000FF) * 0x0000271000000001)) >> 32;
        return (uint)v;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;
}
