using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Runlens.Import.TensorBoard.Proto;

namespace Runlens.Import.TensorBoard;

/// <summary>
/// Writes TensorBoard event files the way TensorFlow's writers do (TFRecord frames around <c>tensorflow.Event</c>
/// messages, a <c>brain.Event:2</c> file_version record first). Used by tests and the benchmark to build synthetic
/// runs; Runlens itself only reads.
/// </summary>
internal sealed class TensorBoardEventWriter
{
    private readonly Stream _out;
    private long _written;

    /// <param name="to">Where to write; a new memory stream when null (see <see cref="ToArray"/>).</param>
    /// <param name="fileVersion">Writes the file_version record first, as every writer does.</param>
    public TensorBoardEventWriter(Stream? to = null, bool fileVersion = true, double wallTime = 1_700_000_000)
    {
        _out = to ?? new MemoryStream();
        if (fileVersion)
        {
            Write(new TbEvent { WallTime = wallTime, FileVersion = "brain.Event:2" });
        }
    }

    /// <summary>Bytes written so far: the offset of the next record.</summary>
    public long Length => _written;

    /// <summary>Writes one event; returns its record's offset.</summary>
    public long Write(TbEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        return WriteData(ev.ToByteArray());
    }

    /// <summary>Writes one record around arbitrary data; returns its offset.</summary>
    public long WriteData(ReadOnlySpan<byte> data)
    {
        var at = _written;
        TfRecordFormat.Write(_out, data);
        _written += TfRecordFormat.FramingLength + data.Length;
        return at;
    }

    /// <summary>A PyTorch / Lightning / HF style scalar: <c>simple_value</c>, no metadata.</summary>
    public long Scalar(string tag, long step, float value, double wallTime = 1_700_000_000) =>
        Write(Event(step, wallTime, new TbSummaryValue { Tag = tag, SimpleValue = value }));

    /// <summary>A TF2 style scalar: a rank-0 float tensor; <paramref name="metadata"/> names the scalars plugin (TF2
    /// writes it with a tag's first value only).</summary>
    public long TensorScalar(string tag, long step, float value, bool metadata, bool asContent = true, double wallTime = 1_700_000_000)
    {
        var t = new TbTensor { Dtype = 1, TensorShape = new TbTensorShape() };
        if (asContent)
        {
            t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(value));
        }
        else
        {
            t.FloatVal.Add(value);
        }

        return Write(Event(step, wallTime, new TbSummaryValue { Tag = tag, Tensor = t, Metadata = metadata ? ScalarsMetadata() : null }));
    }

    /// <summary>A rank-0 double tensor scalar.</summary>
    public long DoubleTensorScalar(string tag, long step, double value, bool metadata, bool asContent = true, double wallTime = 1_700_000_000)
    {
        var t = new TbTensor { Dtype = 2, TensorShape = new TbTensorShape() };
        if (asContent)
        {
            t.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(value));
        }
        else
        {
            t.DoubleVal.Add(value);
        }

        return Write(Event(step, wallTime, new TbSummaryValue { Tag = tag, Tensor = t, Metadata = metadata ? ScalarsMetadata() : null }));
    }

    /// <summary>A histogram-plugin tensor (not a scalar; the reader skips it).</summary>
    public long Histogram(string tag, long step, int buckets)
    {
        var t = new TbTensor { Dtype = 2, TensorShape = new TbTensorShape { Dim = { new TbTensorShape.Types.Dim { Size = buckets }, new TbTensorShape.Types.Dim { Size = 3 } } } };
        for (var i = 0; i < buckets * 3; i++)
        {
            t.DoubleVal.Add(i);
        }

        var meta = new TbSummaryMetadata { PluginData = new TbPluginData { PluginName = "histograms" } };
        return Write(Event(step, 1_700_000_000, new TbSummaryValue { Tag = tag, Tensor = t, Metadata = meta }));
    }

    /// <summary>The hparams plugin's session_start_info, as Lightning and tensorboard's hparams API write it.</summary>
    public long HParams(params (string Name, Value Value)[] hparams)
    {
        var info = new TbSessionStartInfo();
        foreach (var (name, value) in hparams)
        {
            info.Hparams[name] = value;
        }

        var content = new TbHParamsPluginData { Version = 0, SessionStartInfo = info }.ToByteString();
        var meta = new TbSummaryMetadata { PluginData = new TbPluginData { PluginName = "hparams", Content = content } };
        return Write(Event(0, 1_700_000_000, new TbSummaryValue { Tag = "_hparams_/session_start_info", Metadata = meta }));
    }

    public byte[] ToArray() => _out is MemoryStream m ? m.ToArray() : throw new InvalidOperationException("the writer writes to a stream");

    private static TbEvent Event(long step, double wallTime, TbSummaryValue value) =>
        new() { Step = step, WallTime = wallTime, Summary = new TbSummary { Value = { value } } };

    private static TbSummaryMetadata ScalarsMetadata() => new() { PluginData = new TbPluginData { PluginName = "scalars" } };
}
