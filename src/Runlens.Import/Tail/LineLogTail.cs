using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A line-based log read as it grows: one <see cref="LineReader"/> over a <see cref="TailStream"/> and one importer
/// state (<see cref="ILineRecords"/>) for the whole watch, so every line is parsed once, by the importer's own code
/// (for JSON Lines: the step key, carried steps, damage with its line number), and a snapshot is what the importer gives
/// for the file up to its last line end.
/// </summary>
internal sealed class LineLogTail : ILogTail
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly TailCounts _counts = new();
    private TailStream _stream = null!;
    private LineReader _lines = null!;
    private readonly string _file;
    private readonly int _maxLineBytes;
    private readonly Func<LineReader, ILineRecords> _start;
    private ILineRecords _records = null!;

    /// <param name="path">What the watch was asked for.</param>
    /// <param name="maxLineBytes">The importer's longest line.</param>
    /// <param name="start">The importer's state over a line reader, read on at each look.</param>
    /// <param name="file">The log read, when <paramref name="path"/> is the folder that holds it.</param>
    public LineLogTail(string path, int maxLineBytes, Func<LineReader, ILineRecords> start, string? file = null)
    {
        Path = path;
        _file = file ?? path;
        _maxLineBytes = maxLineBytes;
        _start = start;
        Start();
    }

    public string Path { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        var restarted = _stream.Refresh();
        if (restarted is not null)
        {
            _lines.Dispose();
            Start();
            _stream.Refresh();
        }

        _counts.BeginLook();
        _lines.Resume();
        try
        {
            _records.ReadOn(cancellationToken);
        }
        catch (IOException)
        {
            // the lines read before the failure are kept; the next look reads on from there
            _lines.Resume();
            throw;
        }

        return _counts.Look(restarted is null ? null : restarted + "; reading it again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null) => _records.Snapshot(series);

    public void Dispose() => _lines.Dispose();

    private void Start()
    {
        _stream = new TailStream(_file);
        _lines = new LineReader(_file, _stream, Live, _maxLineBytes);
        _records = _start(_lines);
        _records.Collector.Added = _counts.Added;
        _counts.Restart();
    }
}
