using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.Tabular;

/// <summary>The series read from one metric log, the events met on the way, and what the steps came from.</summary>
/// <param name="Series">Normalised series.</param>
/// <param name="Events">Damaged rows, skipped cells and ignored columns, in file order then per column.</param>
/// <param name="Header">Column names as written (duplicates get <c>#2</c>…), in the order first seen.</param>
/// <param name="DataRows">Data rows read whole (damaged rows not counted).</param>
/// <param name="StepSource">The column steps came from, or <c>row index</c>.</param>
/// <param name="MaxStep">Largest step of a row that gave at least one point, or null.</param>
/// <param name="MaxEpoch">Largest epoch of such a row, or null.</param>
internal sealed record MetricTable(
    ImmutableSortedDictionary<string, Series> Series,
    ImmutableArray<RunEvent> Events,
    ImmutableArray<string> Header,
    int DataRows,
    string StepSource,
    long? MaxStep,
    double? MaxEpoch)
{
    /// <summary>The last number of each bookkeeping column (<see cref="Core.Bookkeeping"/>), which gives no series: a
    /// dialect may read its own (LLaMA-Factory's <c>total_steps</c> is the run's max steps).</summary>
    public ImmutableDictionary<string, double> LastBookkeeping { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>The largest wall time of a point, or null.</summary>
    public double? LastWallTime { get; init; }

    /// <summary>The run of a one-file metric log at <paramref name="path"/> read as <paramref name="format"/> (named after
    /// the file; a tailed log's snapshot is made the same way).</summary>
    public Run FileRun(string path, string format) => new()
    {
        Identity = new RunIdentity(RunIds.FromPath(path), Core.RunNaming.ForFile(path), null, new RunSource(format, path)),
        Series = Series,
        Trainer = new TrainerState { GlobalStep = MaxStep },
        Events = Events,
    };
}
