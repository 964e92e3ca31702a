using System.Text;
using Runlens.Import.Tabular;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A metric CSV read as it grows (a plain metric CSV, Lightning's <c>metrics.csv</c>, Keras' <c>training.log</c>): one
/// record reader over a <see cref="TailStream"/> and one importer state (<see cref="MetricTableReader.State"/>) for the
/// whole watch, so every row is parsed once by the importer's own code and a snapshot is what the importer gives for the
/// file up to its last line end. The header (the first 4 KiB of the file) is checked at every look: Lightning's
/// CSVLogger writes the whole file again when a new column appears, and a log whose beginning changed is read again from
/// the start. A quoted field holding a line break that is cut at the end of what was written reads as damage (metric
/// logs do not write such fields).
/// </summary>
internal sealed class CsvLogTail : ILogTail
{
    private const int HeaderMark = 4096;
    private static readonly ImportContext Live = new() { Live = true };
    private readonly TailCounts _counts = new();
    private readonly MetricTableOptions _options;
    private readonly Func<MetricTable, Run> _runOf;
    private TailStream _stream = null!;
    private StreamReader _text = null!;
    private CsvRecordReader _records = null!;
    private MetricTableReader.State? _state;
    private RunImportException? _headerError;

    /// <param name="path">The path watched (the file, or the folder holding it).</param>
    /// <param name="file">The CSV file.</param>
    /// <param name="runOf">The importer's run for a table read from the file.</param>
    public CsvLogTail(string path, string file, MetricTableOptions options, Func<MetricTable, Run> runOf)
    {
        Path = path;
        File = file;
        _options = options;
        _runOf = runOf;
        Start();
    }

    public string Path { get; }

    /// <summary>The CSV file read.</summary>
    public string File { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        var restarted = _stream.Refresh();
        if (restarted is not null)
        {
            _text.Dispose();
            Start();
            _stream.Refresh();
        }

        _counts.BeginLook();
        _records.Resume();
        if (_state is null && _headerError is null)
        {
            try
            {
                _state = MetricTableReader.State.Start(File, _records, _options);
            }
            catch (RunImportException ex)
            {
                _headerError = ex; // the importer's own error, given by each snapshot until the file is replaced
            }

            if (_state is not null)
            {
                _state.Collector.Added = _counts.Added;
            }
        }

        _state?.ReadOn(Live, _stream.Length, cancellationToken);
        return _counts.Look(restarted is null ? null : restarted + "; reading it again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null)
    {
        if (_headerError is not null)
        {
            throw new RunImportException(_headerError.File, _headerError.Location, _headerError.Cause, _headerError.Hint);
        }

        if (_state is null)
        {
            throw new RunImportException(File, null, "the file is empty", "expected " + _options.Expected + " with a header row");
        }

        return _runOf(_state.Finish(keep: true, series));
    }

    public void Dispose() => _text.Dispose();

    private void Start()
    {
        _stream = new TailStream(File, HeaderMark);
        _text = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        _records = new CsvRecordReader(_text);
        _state = null;
        _headerError = null;
        _counts.Restart();
    }
}
