using Runlens.Import.Callback;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>The Runlens callback's <c>runlens.jsonl</c> importer state (<see cref="CallbackJsonlImporter"/>), read on as
/// the log grows.</summary>
internal sealed class CallbackRecords(LineReader lines) : ILineRecords
{
    private readonly CallbackJsonlImporter.RecordReader _reader = new(lines);

    public SeriesCollector Collector => _reader.Collector;

    public void ReadOn(CancellationToken cancellationToken) => _reader.ReadOn(cancellationToken);

    public Run Snapshot(Func<string, bool>? series) => _reader.Finish(CallbackJsonlImporter.FormatId, keep: true, series);
}
