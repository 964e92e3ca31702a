using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Import.Wandb;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>
/// A W&amp;B run of a client older than 0.10 (no transaction log), read as it grows by a <see cref="LineLogTail"/> over its
/// <c>wandb-history.jsonl</c>: the JSON Lines reader's state for the history, and a snapshot that is what the importer
/// gives for the history up to its last line end and the run's other files (summary, config, metadata,
/// <c>wandb-events.jsonl</c>) as they are now.
/// </summary>
internal sealed class WandbHistoryRecords(LineReader lines, WandbRunFolder folder) : ILineRecords
{
    private static readonly ImportContext Live = new() { Live = true };
    private readonly JsonlMetricReader.State _state = new(lines, WandbRunReader.HistoryOptions);

    public SeriesCollector Collector => _state.Collector;

    public void ReadOn(CancellationToken cancellationToken) => JsonlMetricReader.ReadOn(_state, cancellationToken);

    public Run Snapshot(Func<string, bool>? series) =>
        WandbRunReader.Assemble(folder, WandbImporter.FormatId, new WandbLogState(), null, Live, series, CancellationToken.None,
            () => _state.Finish(keep: true, series));
}
