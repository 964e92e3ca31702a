using System.Text.Unicode;

namespace Runlens.Server.Http;

/// <summary>
/// A request body's text checked before it is parsed: JSON is UTF-8 (RFC 8259), and an escaped surrogate
/// (<c>\ud800</c>) must be half of a pair. Either fault is a 400 that says where, instead of an exception deep in a
/// handler or the store.
/// </summary>
internal static class JsonText
{
    public static void Check(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            var valid = ValidPrefix(json);
            throw ApiException.Invalid($"The body is not valid UTF-8 (byte {valid + 1} of {json.Length}); JSON must be sent as UTF-8.");
        }

        var at = 0;
        while (json[at..].IndexOf("\\u"u8) is var i and >= 0)
        {
            var pos = at + i;
            at = pos + 2;
            if (!Escaped(json, pos) || pos + 6 > json.Length || !TryHex(json.Slice(pos + 2, 4), out var unit))
            {
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (pos + 12 <= json.Length && json[pos + 6] == (byte)'\\' && json[pos + 7] == (byte)'u' && TryHex(json.Slice(pos + 8, 4), out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    at = pos + 12;
                    continue;
                }

                throw Lone(pos);
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                throw Lone(pos);
            }
        }
    }

    /// <summary>Whether the backslash at <paramref name="pos"/> starts an escape (it is not itself escaped).</summary>
    private static bool Escaped(ReadOnlySpan<byte> json, int pos)
    {
        var backslashes = 0;
        for (var k = pos - 1; k >= 0 && json[k] == (byte)'\\'; k--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0;
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, out int value) =>
        int.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);

    private static ApiException Lone(int pos) =>
        ApiException.Invalid($"The body holds a lone surrogate escape at byte {pos + 1} (\\uD800-\\uDFFF must come in high-low pairs); send well-formed Unicode text.");

    private static int ValidPrefix(ReadOnlySpan<byte> json)
    {
        var at = 0;
        while (at < json.Length && System.Text.Rune.DecodeFromUtf8(json[at..], out _, out var used) == System.Buffers.OperationStatus.Done)
        {
            at += used;
        }

        return at;
    }
}
