using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Import.Wandb;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A W&amp;B run of a client older than 0.10 (no transaction log) read as it grows: its <c>wandb-history.jsonl</c> is read
/// on by one <see cref="LineReader"/> over a <see cref="TailStream"/> and one JSON Lines reader state for the whole watch,
/// as <see cref="LineLogTail"/> reads any JSON Lines log (a line still being written waits; a file truncated or rewritten
/// is read again from the start). A snapshot is what the importer gives for the history up to its last line end and the
/// run's other files (summary, config, metadata, <c>wandb-events.jsonl</c>) as they are now.
/// </summary>
internal sealed class WandbHistoryTail : ILogTail
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly WandbRunFolder _folder;
    private readonly string _history;
    private readonly TailCounts _counts = new();
    private TailStream _stream = null!;
    private LineReader _lines = null!;
    private JsonlMetricReader.State _state = null!;

    public WandbHistoryTail(string path, WandbRunFolder folder)
    {
        Path = path;
        _folder = folder;
        _history = folder.HistoryFile ?? throw new ArgumentException("the run folder has no wandb-history.jsonl", nameof(folder));
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
            JsonlMetricReader.ReadOn(_state, cancellationToken);
        }
        catch (IOException)
        {
            // the lines read before the failure are kept; the next look reads on from there
            _lines.Resume();
            throw;
        }

        return _counts.Look(restarted is null ? null : restarted + "; reading it again from the start");
    }

    public Run Snapshot(Func<string, bool>? series = null) =>
        WandbRunReader.Assemble(_folder, WandbImporter.FormatId, new WandbLogState(), null, Live, series, CancellationToken.None,
            () => _state.Finish(keep: true, series));

    public void Dispose() => _lines.Dispose();

    private void Start()
    {
        _stream = new TailStream(_history);
        _lines = new LineReader(_history, _stream, Live, JsonlMetricReader.MaxLineBytes);
        _state = new JsonlMetricReader.State(_lines, WandbRunReader.HistoryOptions);
        _state.Collector.Added = _counts.Added;
        _counts.Restart();
    }
}
