using System.Buffers;
using csFastFloat;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runlens.Import.Core;

/// <summary>
/// The one reader of JSON as Python's <c>json</c> module writes it (<c>json.dump</c>, <c>json.dumps</c>): bare <c>NaN</c>,
/// <c>Infinity</c> and <c>-Infinity</c> tokens are legal there but not in strict JSON, and integers may be larger than a
/// double holds. Every importer reads JSON through here, so those values read the same everywhere: as the doubles NaN, +∞
/// and −∞ (and a number too large for a double as ±∞, as Python's <c>float()</c> reads it).
/// <para>Two ways in, one rule: streaming readers call <see cref="RewriteNonFiniteLiterals"/> (each literal becomes a string
/// token of the same length, so every offset stays true) and read values with <see cref="TryReadNumber"/>; readers that
/// want a tree call <see cref="Parse(Span{byte}, out JsonDamage?)"/>, which keeps what came before damage.</para>
/// </summary>
internal static class PythonJson
{
    public const int MaxDepth = 64;

    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = MaxDepth,
    };

    private static readonly SearchValues<byte> OutsideString = SearchValues.Create("\"NI"u8);
    private static readonly SearchValues<byte> InsideString = SearchValues.Create("\"\\"u8);

    /// <summary>Length of a UTF-8 byte order mark at the start of <paramref name="bytes"/>, or 0.</summary>
    public static int BomLength(ReadOnlySpan<byte> bytes) => bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

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
                // fast_float (correctly rounded, as the reader's own parse is) for the common finite number
                if (!reader.HasValueSequence && FastDoubleParser.TryParseDouble(reader.ValueSpan, out var used, out value) && used == reader.ValueSpan.Length
                    && double.IsFinite(value))
                {
                    return true;
                }

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

    /// <summary>A number held by a node: a JSON number (non-finite ones from the bare literals included), or one of the
    /// strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (how writers that must emit strict JSON, the Runlens
    /// callback among them, spell the non-finite values). Other strings, booleans, objects and arrays are not numbers.</summary>
    public static bool TryGetNumber(JsonNode? node, out double value)
    {
        value = double.NaN;
        if (node is not JsonValue v)
        {
            return false;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                return TryGetNumber(v, out value, out _);
            case JsonValueKind.String:
                return v.TryGetValue<string>(out var s) && TryNonFiniteName(s, out value);
            default:
                return false;
        }
    }

    /// <summary>The number a number node holds, whatever numeric type it was made from; <paramref name="exact"/> is set
    /// when it is an integer that fits a long.</summary>
    public static bool TryGetNumber(JsonValue node, out double value, out long? exact)
    {
        ArgumentNullException.ThrowIfNull(node);
        exact = null;
        if (node.TryGetValue<long>(out var l) || (node.TryGetValue<int>(out var i) && (l = i) == i))
        {
            exact = l;
            value = l;
            return true;
        }

        if (node.TryGetValue(out value))
        {
            return true;
        }

        if (node.TryGetValue<decimal>(out var m))
        {
            value = (double)m;
            return true;
        }

        return double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A scalar JSON text that is a number (<c>0.5</c>, <c>-3</c>, <c>1e-05</c>) or one of Python's non-finite
    /// literals, without building a tree: the common case of W&amp;B's per-item <c>value_json</c>. False for strings,
    /// booleans, objects, arrays and anything malformed.</summary>
    public static bool TryParseNumber(string? json, out double value)
    {
        value = double.NaN;
        if (json is null)
        {
            return false;
        }

        var t = json.AsSpan().Trim();
        if (t.Length == 0 || t.Length > 64)
        {
            return false;
        }

        if (TryNonFiniteName(t, out value))
        {
            return true;
        }

        var c = t[0];
        if (c != '-' && !char.IsAsciiDigit(c))
        {
            return false;
        }

        foreach (var ch in t)
        {
            if (!(char.IsAsciiDigit(ch) || ch is '-' or '+' or '.' or 'e' or 'E'))
            {
                return false;
            }
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses one JSON document into a tree. Bare non-finite literals become double values; integers that fit a
    /// long stay exact. On damage the tree holds everything read before it (objects and arrays are attached before they
    /// are filled) and <paramref name="damage"/> says where and why; null is returned when not even the first value was
    /// readable. <paramref name="json"/> is rewritten in place (see <see cref="RewriteNonFiniteLiterals"/>).</summary>
    public static JsonNode? Parse(Span<byte> json, out JsonDamage? damage)
    {
        damage = null;
        var start = BomLength(json);
        var body = json[start..];
        var literals = RewriteNonFiniteLiterals(body);
        var reader = new Utf8JsonReader(body, ReaderOptions);
        JsonNode? root = null;
        try
        {
            if (!reader.Read())
            {
                damage = new JsonDamage("no JSON value", start, 1);
                return null;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var o = new JsonObject();
                    root = o;
                    FillObject(ref reader, literals, o);
                    break;
                case JsonTokenType.StartArray:
                    var a = new JsonArray();
                    root = a;
                    FillArray(ref reader, literals, a);
                    break;
                default:
                    root = Scalar(ref reader, literals);
                    break;
            }

            if (reader.Read())
            {
                throw new JsonException("more than one JSON value");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            var offset = start + reader.BytesConsumed;
            var cause = ex is JsonException je ? Describe(je) : ex.Message.TrimEnd('.');
            damage = new JsonDamage(cause, offset, LineOf(json, offset));
        }

        return root;
    }

    /// <summary>Reads the value at a streaming reader's current token (a scalar, or a whole object or array) into a tree,
    /// for streaming readers that want one part of a document as a tree. Throws <see cref="JsonException"/> on damage.</summary>
    public static JsonNode? ReadValue(ref Utf8JsonReader reader, Dictionary<long, double>? literals)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var o = new JsonObject();
                FillObject(ref reader, literals, o);
                return o;
            case JsonTokenType.StartArray:
                var a = new JsonArray();
                FillArray(ref reader, literals, a);
                return a;
            default:
                return Scalar(ref reader, literals);
        }
    }

    /// <summary>Parses text (see <see cref="Parse(Span{byte}, out JsonDamage?)"/>).</summary>
    public static JsonNode? Parse(string text, out JsonDamage? damage) => Parse(Encoding.UTF8.GetBytes(text), out damage);

    /// <summary>The reader's message without its trailing position, which callers give as a location of their own.</summary>
    public static string Describe(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var m = ex.Message;
        var cut = m.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            m = m[..cut];
        }

        return m.TrimEnd(' ', '.');
    }

    /// <summary>The 1-based line of a byte offset.</summary>
    public static int LineOf(ReadOnlySpan<byte> bytes, long offset)
    {
        var end = (int)Math.Clamp(offset, 0, bytes.Length);
        return bytes[..end].Count((byte)'\n') + 1;
    }

    private static void FillObject(ref Utf8JsonReader reader, Dictionary<long, double>? literals, JsonObject o)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Text(ref reader);
            if (!reader.Read())
            {
                throw new JsonException("a property without a value");
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var inner = new JsonObject();
                    o[name] = inner;
                    FillObject(ref reader, literals, inner);
                    break;
                case JsonTokenType.StartArray:
                    var list = new JsonArray();
                    o[name] = list;
                    FillArray(ref reader, literals, list);
                    break;
                default:
                    o[name] = Scalar(ref reader, literals);
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("expected a property name or the end of the object");
        }
    }

    private static void FillArray(ref Utf8JsonReader reader, Dictionary<long, double>? literals, JsonArray a)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var inner = new JsonObject();
                    a.Add(inner);
                    FillObject(ref reader, literals, inner);
                    break;
                case JsonTokenType.StartArray:
                    var list = new JsonArray();
                    a.Add(list);
                    FillArray(ref reader, literals, list);
                    break;
                default:
                    a.Add(Scalar(ref reader, literals));
                    break;
            }
        }
    }

    private static JsonNode? Scalar(ref Utf8JsonReader reader, Dictionary<long, double>? literals) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt64(out var l) ? JsonValue.Create(l)
            : reader.TryGetDouble(out var d) ? JsonValue.Create(d)
            : JsonValue.Create(reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity),
        JsonTokenType.String => literals is not null && literals.TryGetValue(reader.TokenStartIndex, out var special)
            ? JsonValue.Create(special)
            : JsonValue.Create(Text(ref reader)),
        JsonTokenType.True => JsonValue.Create(true),
        JsonTokenType.False => JsonValue.Create(false),
        JsonTokenType.Null => null,
        _ => throw new JsonException("unexpected " + reader.TokenType.ToString()),
    };

    /// <summary>A string token's text. Python's json writes an unpaired surrogate as an escape (<c>"\ud800"</c>), which
    /// .NET strings cannot decode: such a string is kept as written, escapes and all, instead of being damage.</summary>
    private static string Text(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
    }

    private static bool TryNonFiniteName(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-Infinity":
                value = double.NegativeInfinity;
                return true;
            default:
                value = double.NaN;
                return false;
        }
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
