using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>A JSON Lines metric log's importer state (<see cref="JsonlMetricReader"/>), read on as the log grows.</summary>
internal sealed class JsonlRecords(LineReader lines) : ILineRecords
{
    private readonly JsonlMetricReader.State _state = new(lines, JsonlMetricReader.Generic);

    public SeriesCollector Collector => _state.Collector;

    public void ReadOn(CancellationToken cancellationToken) => JsonlMetricReader.ReadOn(_state, cancellationToken);

    public Run Snapshot(Func<string, bool>? series) => JsonlMetricsImporter.RunOf(lines.File, _state.Finish(keep: true, series));
}
