namespace Runlens.Import.Tabular;

/// <summary>How one CSV dialect maps columns to steps and keys.</summary>
/// <param name="StepColumns">Step columns in order of preference; when none is present the <c>epoch</c> column gives the
/// step, else the row index (0-based, data rows only).</param>
/// <param name="BareSplit">Split of names without a split prefix (see <see cref="Model.MetricNames.Normalize"/>).</param>
/// <param name="Expected">What the file should be, for hints (<c>a Lightning CSVLogger metrics.csv</c>).</param>
internal sealed record MetricTableOptions(IReadOnlyList<string> StepColumns, string? BareSplit, string Expected)
{
    /// <summary>Columns holding wall-clock seconds; never series.</summary>
    public static IReadOnlyList<string> WallTimeColumns { get; } = ["_timestamp", "timestamp", "wall_time", "walltime", "time"];
}
