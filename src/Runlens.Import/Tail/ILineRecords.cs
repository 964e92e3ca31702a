using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>An importer's state over one line-based log, kept for the whole watch: it reads on when the log grows and
/// gives the run read so far.</summary>
internal interface ILineRecords
{
    /// <summary>Where the points go as they are read.</summary>
    SeriesCollector Collector { get; }

    /// <summary>Reads the lines the line reader has left.</summary>
    void ReadOn(CancellationToken cancellationToken);

    /// <summary>The run read so far, as the importer makes it; <paramref name="series"/> keeps only the series whose
    /// keys it accepts.</summary>
    Run Snapshot(Func<string, bool>? series);
}
