using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
using Runlens.Import.TensorBoard.Proto;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// Reads one event file into a run: TFRecord frames from large buffered chunks (checksums checked on every record),
/// scalars hand-parsed from each Event (<see cref="TensorBoardEventParser"/>). A record whose data checksum fails is
/// skipped (its length was checked, so the next record is found); a length whose checksum fails ends the file; a file
/// that ends inside a record (a writer still running) keeps everything before it. Each problem names its offset.
/// </summary>
internal sealed class TensorBoardFileScan
{
    private const int ChunkLength = 1 << 20;
    private const int MaxRecordLength = 1 << 30;
    private const string SessionStartTag = "_hparams_/session_start_info";

    private readonly TensorBoardRunData _run;
    private readonly string _file;
    private readonly string _prefix;
    private TensorBoardTag?[] _buckets = new TensorBoardTag?[64];
    private int _tagCount;

    private byte[] _buf = [];
    private int _start;
    private int _end;
    private long _base;
    private long _length;
    private bool _eof;
    private int _need;
    private long _recordOffset;

    private TensorBoardFileScan(string file, string prefix, TensorBoardRunData run)
    {
        _file = file;
        _prefix = prefix;
        _run = run;
    }

    /// <summary>Good records read from this file.</summary>
    public long Records { get; private set; }

    /// <summary>Reads <paramref name="file"/>; series names get <paramref name="prefix"/> (e.g. <c>validation/</c>).</summary>
    public static async Task<long> ReadAsync(string file, string prefix, TensorBoardRunData run, ImportContext context, CancellationToken cancellationToken)
    {
        var scan = new TensorBoardFileScan(file, prefix, run);
        await scan.RunAsync(context, cancellationToken).ConfigureAwait(false);
        return scan.Records;
    }

    /// <summary>A scan of <paramref name="file"/> read on as the file grows (<see cref="ReadOn"/>): a tailed run.</summary>
    internal static TensorBoardFileScan Tail(string file, string prefix, TensorBoardRunData run) => new(file, prefix, run) { _live = true };

    /// <summary>Where the next read of a tailed file starts (after the bytes already held).</summary>
    internal long NextOffset => _base + _end;

    /// <summary>Reads on from <see cref="NextOffset"/>: <paramref name="stream"/> is the file, positioned there. A record
    /// still being written is kept for the next call; a file found damaged is not read again.</summary>
    internal void ReadOn(Stream stream, CancellationToken cancellationToken)
    {
        if (_fatal)
        {
            return;
        }

        _length = stream.Length;
        _eof = false;
        if (_buf.Length == 0)
        {
            _buf = new byte[(int)Math.Min(ChunkLength, Math.Max(_length, 4096))];
            _need = TfRecordFormat.HeaderLength;
        }

        ReadFromAsync(stream, ImportContext.None, cancellationToken).AsTask().GetAwaiter().GetResult();
    }

    private async Task RunAsync(ImportContext context, CancellationToken cancellationToken)
    {
        _live = context.Live;
        FileStream stream;
        try
        {
            stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _run.Add(_file, null, "the event file cannot be opened: " + ex.Message, "check that it exists and is readable");
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            _length = stream.Length;
            if (_length == 0)
            {
                _run.Add(_file, null, "the event file is empty (0 bytes)",
                    "TensorBoard writers create the file before the first record; the run had not written anything yet", RunEventKind.Note);
                return;
            }

            _buf = new byte[(int)Math.Min(ChunkLength, Math.Max(_length, 4096))];
            _need = TfRecordFormat.HeaderLength;
            await ReadFromAsync(stream, context, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask ReadFromAsync(Stream stream, ImportContext context, CancellationToken cancellationToken)
    {
        while (Drain())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _base += _start;
                _end -= _start;
                _start = 0;
            }

            if (_need > _buf.Length)
            {
                Array.Resize(ref _buf, _need);
            }

            // fill the buffer (reading no more than the room left), then parse what it holds
            while (_end < _buf.Length && !_eof)
            {
                var n = await stream.ReadAsync(_buf.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    _eof = true;
                }

                _end += n;
                if (_end >= _need)
                {
                    break;
                }
            }

            context.Report(_file, _base + _end, Math.Max(_length, _base + _end));
        }
    }

    /// <summary>Handles every complete record in the buffer. True when more bytes are needed (<see cref="_need"/> from
    /// the buffer start), false when the file is done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Drain()
    {
        while (true)
        {
            var avail = _end - _start;
            var offset = _base + _start;
            if (avail < TfRecordFormat.HeaderLength)
            {
                if (!_eof)
                {
                    _need = TfRecordFormat.HeaderLength;
                    return true;
                }

                if (avail > 0)
                {
                    Truncated(offset, string.Create(CultureInfo.InvariantCulture,
                        $"the file ends inside a record header ({avail} of 12 bytes present)"));
                }

                return false;
            }

            var head = _buf.AsSpan(_start, TfRecordFormat.HeaderLength);
            if (!TfRecordFormat.IsRecordHeader(head))
            {
                if (offset == 0)
                {
                    _run.Add(_file, offset, "not a TensorBoard event file: the first record's length checksum does not match",
                        "expected a TFRecord file of tensorflow.Event records (events.out.tfevents.*, written by tf.summary, "
                        + "torch.utils.tensorboard or tensorboardX)");
                }
                else
                {
                    _run.Add(_file, offset, string.Create(CultureInfo.InvariantCulture,
                        $"record length checksum mismatch (corrupt data); the rest of the file ({_length - offset} bytes) was skipped"),
                        "the file is damaged from here on; records before this offset were read");
                }

                _fatal = true;
                return false;
            }

            var len = BinaryPrimitives.ReadUInt64LittleEndian(head);
            var room = Math.Max(0, _length - offset - TfRecordFormat.FramingLength);
            if (len > (ulong)room || len > MaxRecordLength)
            {
                if (len > MaxRecordLength && len <= (ulong)room)
                {
                    _run.Add(_file, offset, string.Create(CultureInfo.InvariantCulture,
                        $"a record announces {len} bytes, more than Runlens reads (1 GiB); the rest of the file was skipped"),
                        "event files hold small records; this one is probably damaged");
                    _fatal = true;
                    return false;
                }

                Truncated(offset, string.Create(CultureInfo.InvariantCulture,
                    $"the file ends inside a record ({len} bytes announced, {Math.Max(0, _length - offset - TfRecordFormat.HeaderLength)} present)"));
                return false;
            }

            var total = TfRecordFormat.FramingLength + (int)len;
            if (avail < total)
            {
                if (_eof)
                {
                    Truncated(offset, string.Create(CultureInfo.InvariantCulture,
                        $"the file ends inside a record ({len} bytes announced, {avail - TfRecordFormat.HeaderLength} present)"));
                    return false;
                }

                _need = total;
                return true;
            }

            var data = _buf.AsSpan(_start + TfRecordFormat.HeaderLength, (int)len);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(_start + TfRecordFormat.HeaderLength + (int)len));
            _start += total;
            _recordOffset = offset;
            if (TfRecordFormat.MaskedCrc(data) != crc)
            {
                _run.Add(_file, offset, "record data checksum mismatch (corrupt data); the record was skipped",
                    "the file is damaged at this offset; the other records were read");
                continue;
            }

            if (!TensorBoardEventParser.Parse(data, this))
            {
                _run.Add(_file, offset, "a record with a valid checksum is not a readable tensorflow.Event; it was skipped",
                    "the writer may be newer than Runlens or the file may not be a TensorBoard event file");
                continue;
            }

            Records++;
            _run.GoodRecords++;
        }
    }

    private void Truncated(long offset, string cause)
    {
        if (!_live) // while a run is watched, its writer is simply not done with the last record: read it next time
        {
            _run.Add(_file, offset, cause + "; everything before it was read", "the run may still be writing, or the copy was cut short");
        }
    }

    private bool _live;
    private bool _fatal;

    /// <summary>The tag for these UTF-8 bytes (one object per distinct tag of the file).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TensorBoardTag Tag(ReadOnlySpan<byte> utf8)
    {
        var hash = TagHash(utf8);
        for (var t = _buckets[hash & (_buckets.Length - 1)]; t is not null; t = t.Next)
        {
            if (t.Hash == hash && utf8.SequenceEqual(t.Utf8))
            {
                return t;
            }
        }

        var text = Encoding.UTF8.GetString(utf8);
        var tag = new TensorBoardTag(utf8.ToArray(), _prefix + (text.Length == 0 ? "(no tag)" : text), hash);
        if (++_tagCount > _buckets.Length)
        {
            var old = _buckets;
            _buckets = new TensorBoardTag?[old.Length * 2];
            foreach (var head in old)
            {
                for (var t = head; t is not null;)
                {
                    var next = t.Next;
                    ref var slot = ref _buckets[t.Hash & (_buckets.Length - 1)];
                    t.Next = slot;
                    slot = t;
                    t = next;
                }
            }
        }

        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        tag.Next = bucket;
        bucket = tag;
        return tag;
    }

    /// <summary>A cheap hash of a tag's bytes (its length and its first and last 8 bytes); equal hashes are
    /// confirmed byte by byte.</summary>
    private static int TagHash(ReadOnlySpan<byte> utf8)
    {
        ulong head = 0;
        ulong tail = 0;
        if (utf8.Length >= 8)
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        }
        else
        {
            foreach (var b in utf8)
            {
                head = (head << 8) | b;
            }
        }

        var h = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length;
        return (int)(h ^ (h >> 29) ^ (h >> 47));
    }

    /// <summary>A value's plugin metadata: remembered for the tag; hparams session starts become config.</summary>
    public void Plugin(TensorBoardTag tag, ReadOnlySpan<byte> name, ReadOnlySpan<byte> content)
    {
        tag.Plugin = name.SequenceEqual("scalars"u8) ? TensorBoardTag.ScalarsPlugin
            : name.SequenceEqual("hparams"u8) ? TensorBoardTag.HParamsPlugin
            : Encoding.UTF8.GetString(name);

        if (ReferenceEquals(tag.Plugin, TensorBoardTag.HParamsPlugin) && tag.Name.EndsWith(SessionStartTag, StringComparison.Ordinal))
        {
            ReadHParams(content);
        }
    }

    private void ReadHParams(ReadOnlySpan<byte> content)
    {
        TbHParamsPluginData data;
        try
        {
            data = TbHParamsPluginData.Parser.ParseFrom(content);
        }
        catch (InvalidProtocolBufferException)
        {
            _run.Add(_file, _recordOffset, "the hparams plugin data (session_start_info) is not readable; hyperparameters from it were skipped",
                "hparams.yaml beside the event file, if present, is still read");
            return;
        }

        if (data.SessionStartInfo is null)
        {
            return;
        }

        foreach (var (key, value) in data.SessionStartInfo.Hparams)
        {
            if (key.Length == 0 || value is null)
            {
                continue;
            }

            // one policy for every format's hyperparameters: Lightning's "/" joins nesting, lists written as text are lists
            switch (value.KindCase)
            {
                case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue:
                    _run.HParams[ConfigFlattener.FlatKey(key)] = ConfigScalars.Number(value.NumberValue);
                    break;
                case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue:
                    _run.HParams[ConfigFlattener.FlatKey(key)] = ConfigValue.Of(value.BoolValue);
                    break;
                case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue:
                    ConfigFlattener.FlattenText(key, value.StringValue, _run.HParams);
                    break;
                case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NullValue or Google.Protobuf.WellKnownTypes.Value.KindOneofCase.None:
                    _run.HParams[ConfigFlattener.FlatKey(key)] = ConfigValue.Null;
                    break;
                default:
                    ConfigFlattener.FlattenText(key, value.ToString(), _run.HParams); // a list or struct value, as JSON
                    break;
            }
        }
    }

    public void Scalar(TensorBoardTag tag, long step, double value, double wall)
    {
        _run.Series.Add(tag.Name, new SeriesPoint(step, value, double.NaN, wall));
        _run.SeeWallTime(wall);
    }
}
