using System.Buffers;
using System.Text.Json;

namespace Runlens.Import.Json;

/// <summary>
/// JSON as Python's <c>json</c> module writes it: bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> tokens are legal there
/// but not in strict JSON. <see cref="RewriteNonFiniteLiterals"/> turns each into a string token of the same length (so every
/// offset stays true) and remembers where it was; <see cref="TryReadNumber"/> reads such a token back as the number.
/// </summary>
internal static class PythonJson
{
    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 128,
    };

    private static readonly SearchValues<byte> OutsideString = SearchValues.Create("\"NI"u8);
    private static readonly SearchValues<byte> InsideString = SearchValues.Create("\"\\"u8);

    /// <summary>Length of a UTF-8 byte order mark at the start of <paramref name="bytes"/>, or 0.</summary>
    public static int BomLength(ReadOnlySpan<byte> bytes) => bytes.StartsWith("\xEF\xBB\xBF"u8) ? 3 : 0;

    /// <summary>Rewrites bare non-finite literals outside strings in place. Returns their token offsets (within
    /// <paramref name="json"/>) and values, or null when there were none.</summary>
    public static Dictionary<long, double>? RewriteNonFiniteLiterals(Span<byte> json)
    {
        Dictionary<long, double>? found = null;
        if (json.IndexOfAny((byte)'N', (byte)'I') < 0)
        {
            return null; // the common case, found by one vectorised pass
        }

        var i = 0;
        while (i < json.Length)
        {
            var rel = json[i..].IndexOfAny(OutsideString);
            if (rel < 0)
            {
                break;
            }

            i += rel;
            if (json[i] == (byte)'"')
            {
                i = SkipString(json, i + 1);
                continue;
            }

            if (json[i] == (byte)'N' && Literal(json, i, "NaN"u8))
            {
                "\"N\""u8.CopyTo(json[i..]);
                (found ??= [])[i] = double.NaN;
                i += 3;
            }
            else if (json[i] == (byte)'I' && Literal(json, i, "Infinity"u8))
            {
                if (i > 0 && json[i - 1] == (byte)'-')
                {
                    "\"-Infini\""u8.CopyTo(json[(i - 1)..]);
                    (found ??= [])[i - 1] = double.NegativeInfinity;
                }
                else
                {
                    "\"Infini\""u8.CopyTo(json[i..]);
                    (found ??= [])[i] = double.PositiveInfinity;
                }

                i += 8;
            }
            else
            {
                i++;
            }
        }

        return found;
    }

    /// <summary>Reads the current value token as a number: a JSON number (overflow gives ±Infinity, as Python reads it)
    /// or a rewritten non-finite literal. False for every other token.</summary>
    public static bool TryReadNumber(ref Utf8JsonReader reader, Dictionary<long, double>? literals, out double value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out value))
                {
                    value = reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'-'
                        ? double.NegativeInfinity
                        : double.PositiveInfinity;
                }

                return true;
            case JsonTokenType.String when literals is not null && literals.TryGetValue(reader.TokenStartIndex, out value):
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Reads the current value token as a whole number (integers, or floats with no fraction such as <c>10.0</c>).</summary>
    public static long? ReadWhole(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            return null;
        }

        if (reader.TryGetInt64(out var l))
        {
            return l;
        }

        if (reader.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e18 && d == Math.Floor(d))
        {
            return (long)d;
        }

        return null;
    }

    /// <summary>The reader's message without its trailing position, which callers give as a location of their own.</summary>
    public static string Describe(JsonException ex)
    {
        var m = ex.Message;
        var cut = m.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            m = m[..cut];
        }

        return m.TrimEnd(' ', '.');
    }

    private static bool Literal(ReadOnlySpan<byte> json, int i, ReadOnlySpan<byte> literal)
    {
        if (!json[i..].StartsWith(literal))
        {
            return false;
        }

        var end = i + literal.Length;
        return end >= json.Length || !IsWordByte(json[end]);
    }

    private static bool IsWordByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z')
        or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or (byte)'.';

    private static int SkipString(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length)
        {
            var rel = json[i..].IndexOfAny(InsideString);
            if (rel < 0)
            {
                return json.Length;
            }

            i += rel;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            i += 2; // an escape: the next byte is never the closing quote
        }

        return json.Length;
    }
}
