namespace Runlens.Import.Tabular;

/// <summary>How one metric-log dialect maps columns to steps and keys.</summary>
/// <param name="StepColumns">Step columns in order of preference; when none is present the <c>epoch</c> column gives the
/// step (unless a batch counter shows the rows are batches), else the row index (0-based, data rows only).</param>
/// <param name="BareSplit">Split of names without a split prefix (see <see cref="Model.MetricNames.Normalize"/>).</param>
/// <param name="Expected">What the file should be, for hints (<c>a Lightning CSVLogger metrics.csv</c>).</param>
/// <param name="NotMetrics">Columns of this dialect that are no metrics besides the shared bookkeeping ones.</param>
internal sealed record MetricTableOptions(IReadOnlyList<string> StepColumns, string? BareSplit, string Expected, IReadOnlySet<string>? NotMetrics = null)
{
    /// <summary>Keys of the epoch, in order of preference (JSON Lines logs); <c>epoch</c> when not given.</summary>
    public IReadOnlyList<string> EpochColumns { get; init; } = ["epoch"];

    /// <summary>True when <paramref name="name"/> counts or times the training (or is one of this dialect's non-metrics).</summary>
    public bool IsBookkeeping(string name) => Core.Bookkeeping.Is(name) || (NotMetrics?.Contains(name) ?? false);
}
