using System.Text.Json;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Turns property-name tokens into shared strings without allocating per token. Log entries repeat the same keys in
/// the same order, so the name at each position of the previous entry is tried first (a byte compare); then a dictionary.
/// </summary>
internal sealed class HfPropertyNames
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<(byte[] Utf8, string Name)> _byPosition = [];
    private char[] _chars = new char[256];

    public HfPropertyNames()
    {
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The name whose UTF-8 bytes between the quotes are <paramref name="raw"/> (no escapes), at
    /// <paramref name="position"/> within its object; null when the bytes are not all printable ASCII (a name the reader
    /// must validate and unescape: read it with <see cref="Get(ref Utf8JsonReader, int)"/>).</summary>
    public string? Get(ReadOnlySpan<byte> raw, int position)
    {
        if (position < _byPosition.Count && raw.SequenceEqual(_byPosition[position].Utf8))
        {
            return _byPosition[position].Name;
        }

        if (raw.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return null;
        }

        if (_chars.Length < raw.Length)
        {
            _chars = new char[raw.Length];
        }

        var span = _chars.AsSpan(0, raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            span[i] = (char)raw[i];
        }

        return Remember(raw, span, position);
    }

    /// <summary>The current property name; <paramref name="position"/> is its index within the enclosing object.</summary>
    public string Get(ref Utf8JsonReader reader, int position)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && position < _byPosition.Count && raw.SequenceEqual(_byPosition[position].Utf8))
        {
            return _byPosition[position].Name;
        }

        if (_chars.Length < raw.Length)
        {
            _chars = new char[raw.Length];
        }

        var n = reader.CopyString(_chars);
        var span = _chars.AsSpan(0, n);
        return reader.ValueIsEscaped ? Intern(span) : Remember(raw, span, position);
    }

    private string Intern(ReadOnlySpan<char> span)
    {
        if (!_lookup.TryGetValue(span, out var name))
        {
            name = new string(span);
            _names[name] = name;
        }

        return name;
    }

    /// <summary>The shared string for <paramref name="span"/>, remembered as the name at <paramref name="position"/>
    /// with its unescaped UTF-8 bytes <paramref name="raw"/>.</summary>
    private string Remember(ReadOnlySpan<byte> raw, ReadOnlySpan<char> span, int position)
    {
        var name = Intern(span);
        var slot = (raw.ToArray(), name);
        if (position < _byPosition.Count)
        {
            _byPosition[position] = slot;
        }
        else if (position == _byPosition.Count && position < 64)
        {
            _byPosition.Add(slot);
        }

        return name;
    }
}
