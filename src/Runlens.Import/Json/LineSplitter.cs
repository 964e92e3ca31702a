namespace Runlens.Import.Json;

/// <summary>Splits a stream of JSON Lines into lines (LF; a CR before it is the caller's to trim) without decoding,
/// numbered from 1, as the JSONL metric reader and the callback importer read them.</summary>
internal sealed class LineSplitter(Stream stream, int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private byte[] _line = new byte[1024];
    private int _pos;
    private int _len;
    private int _number;

    /// <summary>Bytes read so far, for progress.</summary>
    public long Consumed { get; private set; }

    /// <summary>The next line (a fresh array without its LF), its number, whether it ended with an LF (false only for a
    /// last line cut short), and whether it was longer than the limit (then it is empty).</summary>
    public bool Next(out byte[] line, out int number, out bool terminated, out bool tooLong)
    {
        var used = 0;
        tooLong = false;
        terminated = false;
        var sawAny = false;
        while (true)
        {
            if (_pos == _len)
            {
                _len = stream.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_len <= 0)
                {
                    _len = 0;
                    break;
                }
            }

            sawAny = true;
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var nl = span.IndexOf((byte)'\n');
            var take = nl < 0 ? span.Length : nl;
            if (!tooLong && used + take > maxLineBytes)
            {
                tooLong = true;
            }

            if (!tooLong)
            {
                if (_line.Length < used + take)
                {
                    Array.Resize(ref _line, Math.Max(_line.Length * 2, used + take));
                }

                span[..take].CopyTo(_line.AsSpan(used));
                used += take;
            }

            _pos += take + (nl < 0 ? 0 : 1);
            Consumed += take + (nl < 0 ? 0 : 1);
            if (nl >= 0)
            {
                terminated = true;
                break;
            }
        }

        if (!sawAny)
        {
            line = [];
            number = _number;
            return false;
        }

        _number++;
        number = _number;
        line = tooLong ? [] : _line.AsSpan(0, used).ToArray();
        return true;
    }
}
