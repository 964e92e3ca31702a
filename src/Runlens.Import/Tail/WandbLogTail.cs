using System.Globalization;
using Runlens.Import.Wandb;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A W&amp;B run read as it grows: one <see cref="WandbLogReader"/> over its <c>run-&lt;id&gt;.wandb</c> transaction log
/// and one <see cref="WandbLogState"/> for the whole watch, so each look parses only the records appended since the last
/// (a record, or a record split over blocks, still being written waits for the next look, whatever byte it was cut at).
/// A log that became shorter makes the run be read again from the start. A snapshot is what the importer gives for the
/// log up to its last whole record and the run's other files (config, summary, metadata) as they are now. The points
/// counted are the history's; W&amp;B's system metrics (<c>system/*</c>, stepped by seconds since the run started) are in
/// the snapshot but not counted.
/// </summary>
internal sealed class WandbLogTail : ILogTail
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly WandbRunFolder _folder;
    private readonly string _log;
    private readonly TailCounts _counts = new();
    private WandbLogState _state = null!;
    private WandbLogReader? _reader;

    public WandbLogTail(string path, WandbRunFolder folder)
    {
        Path = path;
        _folder = folder;
        _log = folder.LogFile ?? throw new ArgumentException("the run folder has no .wandb log", nameof(folder));
        Start();
    }

    public string Path { get; }

    public TailRead Read(CancellationToken cancellationToken = default)
    {
        _counts.BeginLook();
        using var stream = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        string? restarted = null;
        if (_reader is not null && stream.Length < _reader.Held)
        {
            restarted = string.Create(CultureInfo.InvariantCulture,
                $"{System.IO.Path.GetFileName(_log)} became shorter ({stream.Length:N0} bytes, {_reader.Held:N0} were read): it was truncated or replaced; reading the run again from the start");
            Start();
        }

        if (_reader is null)
        {
            _reader = WandbLogReader.Open(stream, _log, live: true);
        }
        else
        {
            _reader.ReadOn(stream);
        }

        var records = _state.Records;
        _state.Read(_reader, _log, stream.Length, ImportContext.None, cancellationToken);
        return _counts.Look(restarted) with { RunChanged = _state.Records > records };
    }

    public Run Snapshot(Func<string, bool>? series = null) =>
        WandbRunReader.Assemble(_folder, WandbImporter.FormatId, _state, _reader, Live, series, CancellationToken.None);

    public void Dispose()
    {
    }

    private void Start()
    {
        _counts.Restart();
        _reader = null;
        _state = new WandbLogState();
        _state.Series.Added = _counts.Added;
    }
}
