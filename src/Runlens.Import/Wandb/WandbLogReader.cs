using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// Reads the records of a <c>.wandb</c> transaction log one block at a time (see <see cref="WandbLogFormat"/>). Damage
/// (a bad checksum, a length that overruns its block, an unknown record type, a fragment out of order) is collected in
/// <see cref="Damage"/> and the reader resynchronises at the next block boundary, as LevelDB log readers do; a
/// truncated tail ends the log. Every length is checked against the bytes of its block before it is used.
/// A log being written (<see cref="Live"/>) ends where its last whole record ends: a record (or block) still being written
/// is not damage, and <see cref="ReadOn"/> reads on from it once the file has grown.
/// </summary>
internal sealed class WandbLogReader
{
    private const int MaxDamageEvents = 20;

    private readonly string _file;
    private readonly bool _live;
    private Stream _stream;
    private readonly byte[] _block = new byte[WandbLogFormat.BlockLength];
    private readonly ArrayBufferWriter<byte> _partial = new();
    private readonly List<RunEvent> _damage = [];
    private int _blockLength;
    private long _blockStart;
    private int _pos;
    private long _partialStart = -1;
    private bool _resyncing;
    private bool _ended;
    private int _damageCount;
    private bool _headerChecked;

    private WandbLogReader(Stream stream, string file, bool live)
    {
        _stream = stream;
        _file = file;
        _live = live;
    }

    /// <summary>Why the header is unusable (no records can be read), or null.</summary>
    public string? HeaderProblem { get; private set; }

    public IReadOnlyList<RunEvent> Damage => _damage;

    /// <summary>Damaged places beyond the ones reported one by one.</summary>
    public int UnreportedDamage => Math.Max(0, _damageCount - MaxDamageEvents);

    /// <summary>Bytes consumed so far (for progress).</summary>
    public long Position => _blockStart + _pos;

    /// <summary>Bytes of the file read so far (a log that became shorter than this was truncated or replaced).</summary>
    public long Held => _blockStart + _blockLength;

    /// <summary>Opens the log and checks its header; a bad header sets <see cref="HeaderProblem"/>. A
    /// <paramref name="live"/> log is being written: its unfinished end waits for <see cref="ReadOn"/>.</summary>
    public static WandbLogReader Open(Stream stream, string file, bool live = false)
    {
        var reader = new WandbLogReader(stream, file, live);
        reader.Fill();
        reader.CheckHeader();
        return reader;
    }

    /// <summary>Reads on in a live log that has grown: <paramref name="stream"/> is the file again (any position); the
    /// block being read is filled from where it ended and <see cref="Next"/> goes on from the last whole record.</summary>
    public void ReadOn(Stream stream)
    {
        if (!_live || HeaderProblem is not null)
        {
            return;
        }

        _stream = stream;
        stream.Position = Held;
        Fill();
        if (!_headerChecked)
        {
            CheckHeader();
        }
        else
        {
            _ended = false;
        }
    }

    private void CheckHeader()
    {
        var b = _block.AsSpan(0, _blockLength);
        if (_live && b.Length < WandbLogFormat.HeaderLength && WandbLogFormat.Header[..b.Length].SequenceEqual(b))
        {
            _ended = true; // the header is still being written
            return;
        }

        _headerChecked = true;
        if (b.Length == 0)
        {
            HeaderProblem = "the file is empty";
        }
        else if (b.Length < WandbLogFormat.HeaderLength || !b[..4].SequenceEqual(WandbLogFormat.Ident))
        {
            HeaderProblem = "the file does not start with the ':W&B' header of a W&B transaction log";
        }
        else if (BinaryPrimitives.ReadUInt16LittleEndian(b[4..]) != WandbLogFormat.Magic)
        {
            HeaderProblem = string.Create(CultureInfo.InvariantCulture,
                $"the header magic is 0x{BinaryPrimitives.ReadUInt16LittleEndian(b[4..]):X4}, not 0xBEE1");
        }
        else if (b[6] != WandbLogFormat.Version)
        {
            HeaderProblem = string.Create(CultureInfo.InvariantCulture,
                $"unknown log version {b[6]} (Runlens reads version {WandbLogFormat.Version})");
        }

        if (HeaderProblem is null)
        {
            _pos = WandbLogFormat.HeaderLength;
        }

        _ended = HeaderProblem is not null;
    }

    /// <summary>The next record's payload and its file offset, or null at the end. The payload is valid until the next call.</summary>
    public (ReadOnlyMemory<byte> Payload, long Offset)? Next(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            if (_blockLength - _pos < WandbLogFormat.RecordHeaderLength)
            {
                // fewer than 7 bytes left: block trailer (zero padding) or the end of the file
                if (_blockLength < WandbLogFormat.BlockLength)
                {
                    End();
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                _blockStart += _blockLength;
                _pos = 0;
                _blockLength = 0;
                Fill();
                if (_blockLength == 0)
                {
                    End();
                    break;
                }

                continue;
            }

            var offset = _blockStart + _pos;
            var header = _block.AsSpan(_pos, WandbLogFormat.RecordHeaderLength);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            var type = header[6];
            var available = _blockLength - _pos - WandbLogFormat.RecordHeaderLength;

            if (type == 0 && length == 0 && checksum == 0 && IsZero(_block.AsSpan(_pos, _blockLength - _pos)))
            {
                // zero-filled rest of a block (preallocated or padded file)
                _pos = _blockLength;
                continue;
            }

            if (length > available)
            {
                if (_blockLength < WandbLogFormat.BlockLength && _live)
                {
                    _ended = true; // the record is still being written
                    break;
                }

                if (_blockLength < WandbLogFormat.BlockLength)
                {
                    if (_partialStart >= 0)
                    {
                        Report(_partialStart, "the log ends inside a record split over several blocks; the rest of the run was not written");
                    }
                    else
                    {
                        Report(offset, string.Create(CultureInfo.InvariantCulture,
                            $"the log ends inside a record ({length} bytes announced, {available} present); the rest of the run was not written"));
                    }

                    DropPartial();
                    _ended = true;
                    break;
                }

                Report(offset, string.Create(CultureInfo.InvariantCulture,
                    $"a record announces {length} bytes but only {available} remain in its 32 KiB block; skipped to the next block"));
                Resync();
                continue;
            }

            var data = _block.AsMemory(_pos + WandbLogFormat.RecordHeaderLength, length);
            if (type is < WandbLogFormat.Full or > WandbLogFormat.Last)
            {
                Report(offset, string.Create(CultureInfo.InvariantCulture,
                    $"unknown record type {type}; skipped to the next block"));
                Resync();
                continue;
            }

            if (WandbLogFormat.Checksum(type, data.Span) != checksum)
            {
                Report(offset, "record checksum mismatch (corrupt data); skipped to the next block");
                Resync();
                continue;
            }

            _pos += WandbLogFormat.RecordHeaderLength + length;
            switch (type)
            {
                case WandbLogFormat.Full:
                    UnfinishedPartial(offset);
                    _resyncing = false;
                    return (data, offset);

                case WandbLogFormat.First:
                    UnfinishedPartial(offset);
                    _resyncing = false;
                    _partialStart = offset;
                    _partial.Write(data.Span);
                    break;

                case WandbLogFormat.Middle:
                case WandbLogFormat.Last:
                    if (_partialStart < 0)
                    {
                        if (!_resyncing)
                        {
                            Report(offset, "a continuation fragment without its first part; skipped");
                        }

                        break;
                    }

                    _partial.Write(data.Span);
                    if (type == WandbLogFormat.Last)
                    {
                        var start = _partialStart;
                        var whole = _partial.WrittenMemory.ToArray();
                        DropPartial();
                        return (whole, start);
                    }

                    break;
            }
        }

        return null;
    }

    private void End()
    {
        if (_live)
        {
            _ended = true; // the next block, or the rest of a split record, is still being written
            return;
        }

        if (_partialStart >= 0)
        {
            Report(_partialStart, "the log ends inside a record split over several blocks; the rest of the run was not written");
            DropPartial();
        }

        _ended = true;
    }

    private void UnfinishedPartial(long offset)
    {
        if (_partialStart >= 0)
        {
            Report(_partialStart, string.Create(CultureInfo.InvariantCulture,
                $"a record split over several blocks is not finished before the record at offset {offset}; dropped"));
            DropPartial();
        }
    }

    private void Resync()
    {
        DropPartial();
        _resyncing = true;
        _pos = _blockLength;
    }

    private void DropPartial()
    {
        _partial.Clear();
        _partialStart = -1;
    }

    private void Report(long offset, string message)
    {
        _damageCount++;
        if (_damageCount <= MaxDamageEvents)
        {
            _damage.Add(new RunEvent(RunEventKind.ImportDamage, message, File: _file,
                Location: string.Create(CultureInfo.InvariantCulture, $"offset {offset}")));
        }
    }

    /// <summary>Reads into the block from where it ends, until it is whole or the file ends.</summary>
    private void Fill()
    {
        while (_blockLength < _block.Length)
        {
            var n = _stream.Read(_block.AsSpan(_blockLength));
            if (n == 0)
            {
                break;
            }

            _blockLength += n;
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept((byte)0);
}
