using System.Buffers.Binary;
using Google.Protobuf;
using Runlens.Import.Wandb.Proto;

namespace Runlens.Import.Wandb;

/// <summary>
/// Writes <c>.wandb</c> transaction logs the way the W&amp;B SDK does (header, 32 KiB blocks, FULL or
/// FIRST/MIDDLE/LAST records, zero padding). Used by tests to build synthetic runs; Runlens itself only reads.
/// </summary>
internal sealed class WandbLogWriter
{
    private readonly MemoryStream _out = new();
    private long _num;

    public WandbLogWriter(byte version = WandbLogFormat.Version)
    {
        _out.Write(WandbLogFormat.Ident);
        Span<byte> magic = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(magic, WandbLogFormat.Magic);
        _out.Write(magic);
        _out.WriteByte(version);
    }

    /// <summary>Bytes written so far: the offset the next record starts at (after any padding).</summary>
    public long Length => _out.Length;

    /// <summary>Writes a record, numbering it when it has no number.</summary>
    public long Write(WandbRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Num == 0)
        {
            record.Num = ++_num;
        }

        return WriteData(record.ToByteArray());
    }

    /// <summary>Writes one payload, split over blocks as needed; returns the offset of its first record header.</summary>
    public long WriteData(ReadOnlySpan<byte> data)
    {
        var left = WandbLogFormat.BlockLength - (int)(_out.Length % WandbLogFormat.BlockLength);
        if (left < WandbLogFormat.RecordHeaderLength)
        {
            _out.Write(new byte[left]);
            left = WandbLogFormat.BlockLength;
        }

        var start = _out.Length;
        if (data.Length + WandbLogFormat.RecordHeaderLength <= left)
        {
            WriteRecord(WandbLogFormat.Full, data);
            return start;
        }

        var room = left - WandbLogFormat.RecordHeaderLength;
        WriteRecord(WandbLogFormat.First, data[..room]);
        var used = room;
        const int dataPerBlock = WandbLogFormat.BlockLength - WandbLogFormat.RecordHeaderLength;
        while (data.Length - used > dataPerBlock)
        {
            WriteRecord(WandbLogFormat.Middle, data.Slice(used, dataPerBlock));
            used += dataPerBlock;
        }

        WriteRecord(WandbLogFormat.Last, data[used..]);
        return start;
    }

    public byte[] ToArray() => _out.ToArray();

    public static WandbRecord History(params (string Key, string Json)[] items)
    {
        var h = new WandbHistoryRecord();
        foreach (var (key, json) in items)
        {
            h.Item.Add(new WandbItem { Key = key, ValueJson = json });
        }

        return new WandbRecord { History = h };
    }

    public static WandbRecord Summary(params (string Key, string Json)[] items)
    {
        var s = new WandbSummaryRecord();
        foreach (var (key, json) in items)
        {
            s.Update.Add(new WandbItem { Key = key, ValueJson = json });
        }

        return new WandbRecord { Summary = s };
    }

    public static WandbRecord Config(params (string Key, string Json)[] items)
    {
        var c = new WandbConfigRecord();
        foreach (var (key, json) in items)
        {
            c.Update.Add(new WandbItem { Key = key, ValueJson = json });
        }

        return new WandbRecord { Config = c };
    }

    public static WandbRecord RunStart(string runId, string project, long startUnixSeconds) => new()
    {
        Run = new WandbRunRecord
        {
            RunId = runId,
            Project = project,
            StartTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = startUnixSeconds },
        },
    };

    public static WandbRecord Exit(int exitCode, int runtime) => new() { Exit = new WandbRunExitRecord { ExitCode = exitCode, Runtime = runtime } };

    public static WandbRecord Final() => new() { Final = new WandbEmptyRecord() };

    public static WandbRecord Footer() => new() { Footer = new WandbEmptyRecord() };

    private void WriteRecord(byte type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[WandbLogFormat.RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, WandbLogFormat.Checksum(type, data));
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)data.Length);
        header[6] = type;
        _out.Write(header);
        _out.Write(data);
    }
}
