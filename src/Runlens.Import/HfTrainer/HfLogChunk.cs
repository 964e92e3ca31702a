using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// One worker's part of a <c>trainer_state.json</c>'s <c>log_history</c>: it reads entries from <see cref="Start"/> (an
/// entry's opening brace) through a pooled buffer, never holding more of the file than the buffer, until the next entry
/// would start at or past <see cref="StopAt"/>, or the array closes. Each entry is read as
/// <see cref="HfTrainerStateReader"/> reads it (the same names, numbers, step carried from the entry before, summary
/// entry), values going straight into per-name point arrays. Anything unusual (damage, a nested value, an entry that is
/// not an object, a comment between entries) ends the pass with <see cref="HfChunkOutcome.Bail"/>, and the caller reads
/// the file the one-pass way, which reports damage exactly as it always has.
/// </summary>
internal sealed class HfLogChunk
{
    private readonly SafeFileHandle _file;
    private readonly long _fileLength;
    private readonly Dictionary<string, HfPointChunks> _byName = new(StringComparer.Ordinal);
    private readonly HfPropertyNames _names = new();
    private readonly List<(string Name, double Value)> _values = new(16);
    private readonly Dictionary<long, double> _literals = [];
    private readonly (string? Name, HfPointChunks? Points)[] _recent = new (string?, HfPointChunks?)[16];
    private readonly HfEntryShape _shape = new();
    private readonly List<HfPointChunks> _committed = new(16);
    private readonly HfEntryTemplate[] _templates = [new(), new(), new(), new()];
    private readonly double[] _templateValues = new double[HfEntryShape.MaxSlots];
    private byte[] _buffer;
    private long _bufferOffset;
    private int _pos;
    private int _len;
    private bool _eof;
    private bool _sawStep;

    public HfLogChunk(SafeFileHandle file, long fileLength, long start, long stopAt, int bufferBytes)
    {
        _file = file;
        _fileLength = fileLength;
        Start = start;
        StopAt = stopAt;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
        _bufferOffset = start;
    }

    public long Start { get; }

    public long StopAt { get; }

    public HfChunkOutcome Outcome { get; private set; }

    /// <summary>File offset just past the array's closing bracket, when <see cref="Outcome"/> is <see cref="HfChunkOutcome.Ended"/>.</summary>
    public long ArrayEnd { get; private set; }

    public int Entries { get; private set; }

    /// <summary>Names in the order this part first logged them.</summary>
    public List<string> Order { get; } = [];

    public IReadOnlyDictionary<string, HfPointChunks> Points => _byName;

    /// <summary>The step of the last entry that had one, when <see cref="SawStep"/>.</summary>
    public long LastStep { get; private set; }

    public bool SawStep => _sawStep;

    /// <summary>Closing summary entries (train_runtime, total_flos, train_loss…), in order.</summary>
    public List<List<(string Name, double Value)>> Summaries { get; } = [];

    public void Read(CancellationToken cancellationToken)
    {
        try
        {
            Outcome = ReadEntries(cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            Outcome = HfChunkOutcome.Bail;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private HfChunkOutcome ReadEntries(CancellationToken ct)
    {
        Fill();
        var first = true;
        while (true)
        {
            if (!first)
            {
                // between entries: white space, then a comma or the closing bracket
                if (!SkipWhiteSpace())
                {
                    return HfChunkOutcome.Bail;
                }

                if (_buffer[_pos] == (byte)']')
                {
                    ArrayEnd = _bufferOffset + _pos + 1;
                    return HfChunkOutcome.Ended;
                }

                if (_buffer[_pos] != (byte)',')
                {
                    return HfChunkOutcome.Bail;
                }

                _pos++;
                if (!SkipWhiteSpace())
                {
                    return HfChunkOutcome.Bail;
                }

                if (_buffer[_pos] == (byte)']')
                {
                    ArrayEnd = _bufferOffset + _pos + 1; // a trailing comma, which the one-pass reader allows too
                    return HfChunkOutcome.Ended;
                }
            }
            else if (!SkipWhiteSpace())
            {
                return HfChunkOutcome.Bail;
            }

            var at = _bufferOffset + _pos;
            if (!first && at >= StopAt)
            {
                return at == StopAt ? HfChunkOutcome.Joined : HfChunkOutcome.Mismatch;
            }

            first = false;
            if (_buffer[_pos] == (byte)']' && Start == at)
            {
                ArrayEnd = at + 1; // an empty array
                return HfChunkOutcome.Ended;
            }

            if (_buffer[_pos] != (byte)'{')
            {
                return HfChunkOutcome.Bail;
            }

            while (true)
            {
                var read = ReadEntry(out var consumed);
                if (read == EntryRead.Done)
                {
                    _pos += consumed;
                    break;
                }

                if (read == EntryRead.Bail || _eof || !Refill())
                {
                    return HfChunkOutcome.Bail;
                }
            }

            if ((++Entries & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private enum EntryRead
    {
        Done,
        More,
        Bail,
    }

    private EntryRead ReadEntry(out int consumed)
    {
        consumed = 0;
        var span = _buffer.AsSpan(_pos, _len - _pos);
        for (var t = 0; t < _templates.Length && _templates[t].IsSet; t++)
        {
            var template = _templates[t];
            var matched = template.Match(span, _templateValues, out var templateStep, out var templateEpoch);
            if (matched > 0)
            {
                consumed = matched;
                Commit(template, templateStep, templateEpoch);
                MoveToFront(t);
                return EntryRead.Done;
            }
        }

        var scanned = HfEntryScanner.Scan(span, _eof, _names, _values, _literals, _bufferOffset + _pos, _shape, out var plainStep, out var plainEpoch);
        if (scanned != HfEntryScanner.Unusual)
        {
            if (scanned == HfEntryScanner.More)
            {
                return EntryRead.More;
            }

            consumed = scanned;
            if (Commit(plainStep, plainEpoch) && HfEntryTemplate.CanHold(_shape))
            {
                // the entry's bytes around its numbers, to read the next entries of the same shape at once
                MoveToFront(_templates.Length - 1); // the template used least lately becomes this entry's
                _templates[0].Set(span[..scanned], _shape, _committed);
            }

            return EntryRead.Done;
        }

        var reader = new Utf8JsonReader(span, _eof, new JsonReaderState(PythonJson.ReaderOptions));
        _values.Clear();
        long? step = null;
        var epoch = double.NaN;
        var position = 0;
        try
        {
            if (!reader.Read())
            {
                return EntryRead.More;
            }

            while (true)
            {
                if (!reader.Read())
                {
                    return EntryRead.More;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var name = _names.Get(ref reader, position++);
                if (!reader.Read())
                {
                    return EntryRead.More;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return EntryRead.Bail;
                }

                if (name == "step")
                {
                    step = PythonJson.ReadWhole(ref reader);
                }
                else if (name == "epoch")
                {
                    if (TryNumber(ref reader, out var e))
                    {
                        epoch = e;
                    }
                }
                else if (TryNumber(ref reader, out var v))
                {
                    _values.Add((name, v));
                }
            }
        }
        catch (JsonException)
        {
            // a non-finite literal cut by the buffer's end reads as damage until the rest of it is read
            return !_eof && _len - (_pos + (int)reader.BytesConsumed) < 16 ? EntryRead.More : EntryRead.Bail;
        }

        consumed = (int)reader.BytesConsumed;
        Commit(step, epoch);
        return EntryRead.Done;
    }

    /// <summary>Puts the template at <paramref name="t"/> first (the templates are tried in order, the one used last first).</summary>
    private void MoveToFront(int t)
    {
        if (t == 0)
        {
            return;
        }

        var template = _templates[t];
        Array.Copy(_templates, 0, _templates, 1, t);
        _templates[0] = template;
    }

    private void Fill()
    {
        _len = 0;
        Top();
    }

    /// <summary>Keeps the bytes from the current position (outside any string: an entry's start or the space between
    /// entries), reads more after them, growing the buffer when one entry fills it. False when nothing more came.</summary>
    private bool Refill()
    {
        if (_eof)
        {
            return false;
        }

        var kept = _len - _pos;
        if (_pos == 0)
        {
            if (_buffer.Length >= 1 << 28)
            {
                return false;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _len).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_pos, kept).CopyTo(_buffer);
            _bufferOffset += _pos;
            _pos = 0;
            _len = kept;
        }

        Top();
        return true;
    }

    /// <summary>Reads until the buffer is full or the file ends, then rewrites the non-finite literals from the current
    /// position on (their file offsets kept, as <see cref="PythonJson.RewriteNonFiniteLiterals"/> does for a whole file).</summary>
    private void Top()
    {
        while (_len < _buffer.Length)
        {
            var n = RandomAccess.Read(_file, _buffer.AsSpan(_len), _bufferOffset + _len);
            if (n <= 0)
            {
                break;
            }

            _len += n;
        }

        _eof = _bufferOffset + _len >= _fileLength;
        if (PythonJson.RewriteNonFiniteLiterals(_buffer.AsSpan(_pos, _len - _pos)) is { } found)
        {
            foreach (var (offset, value) in found)
            {
                _literals[_bufferOffset + _pos + offset] = value;
            }
        }
    }

    private bool SkipWhiteSpace()
    {
        while (true)
        {
            while (_pos < _len && _buffer[_pos] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                _pos++;
            }

            if (_pos < _len)
            {
                return true;
            }

            if (!Refill())
            {
                return false;
            }
        }
    }

    private bool TryNumber(ref Utf8JsonReader reader, out double value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return PythonJson.TryReadNumber(ref reader, null, out value);
            case JsonTokenType.String when _literals.Count > 0 && _literals.TryGetValue(_bufferOffset + _pos + reader.TokenStartIndex, out value):
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Takes the entry just read: its step (when it has one) becomes the last step, its values go to their
    /// names' points (which <see cref="_committed"/> then lists in order), or the whole entry to <see cref="Summaries"/>
    /// when it is the closing summary (false).</summary>
    private bool Commit(long? entryStep, double epoch)
    {
        if (entryStep is { } s)
        {
            LastStep = s;
            _sawStep = true;
        }

        var step = LastStep;
        _committed.Clear();
        foreach (var (name, _) in _values)
        {
            if (name is "train_runtime" or "total_flos" or "train_loss")
            {
                Summaries.Add([.. _values]);
                return false;
            }
        }

        for (var k = 0; k < _values.Count; k++)
        {
            var (name, value) = _values[k];
            var points = PointsOf(name, k);
            _committed.Add(points);
            points.Add(new SeriesPoint(step, value, epoch));
            if (!_sawStep)
            {
                points.Leading++;
            }
        }

        return true;
    }

    /// <summary><see cref="Commit(long?, double)"/> for an entry <paramref name="template"/> matched: the same names, so
    /// the same series, in the same order (a template is never a summary entry).</summary>
    private void Commit(HfEntryTemplate template, long? entryStep, double epoch)
    {
        if (entryStep is { } s)
        {
            LastStep = s;
            _sawStep = true;
        }

        var step = LastStep;
        var series = template.Series;
        for (var k = 0; k < template.Values; k++)
        {
            var points = series[k];
            points.Add(new SeriesPoint(step, _templateValues[k], epoch));
            if (!_sawStep)
            {
                points.Leading++;
            }
        }
    }

    /// <summary>The points of <paramref name="name"/>, the <paramref name="k"/>-th value of its entry: entries repeat their
    /// names in the same order, so the name at each place in the entry before is tried first (the names are shared
    /// strings: one reference compare), then the dictionary.</summary>
    private HfPointChunks PointsOf(string name, int k)
    {
        if (k < _recent.Length && ReferenceEquals(_recent[k].Name, name))
        {
            return _recent[k].Points!;
        }

        if (!_byName.TryGetValue(name, out var points))
        {
            points = new HfPointChunks();
            _byName[name] = points;
            Order.Add(name);
        }

        if (k < _recent.Length)
        {
            _recent[k] = (name, points);
        }

        return points;
    }
}
