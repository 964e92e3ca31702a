using Runlens.Model;

namespace Runlens.Storage;

/// <summary>What a run list shows of a stored run.</summary>
public sealed record StoredRun(string Id, string Name, string? Experiment, string? ParentId, string Format, string SourcePath,
    RunStatus Status, int SeriesCount, long PointCount, DateTimeOffset ImportedAt);

/// <summary>A page of the run list.</summary>
/// <param name="Experiment">Only runs of this experiment (exact name), or all.</param>
/// <param name="NameContains">Only runs whose name or id contains this text (ordinal, case-insensitive), or all.</param>
public sealed record RunQuery(string? Experiment = null, string? NameContains = null, int Limit = 100, int Offset = 0);

/// <summary>How a save went: whether the run was new, and how many points were added (0 when it was already stored).</summary>
public sealed record SaveResult(bool NewRun, long PointsAdded);

/// <summary>
/// Where runs live. One narrow interface for every backend (SQLite now, PostgreSQL next): saving is idempotent — saving
/// the same run again adds nothing — and reading gives back the run as the importers built it.
/// </summary>
public interface IRunStore : IAsyncDisposable
{
    /// <summary>Saves a run: its identity, status, config, summary, trainer state, events and every series point.
    /// Points already stored (same run, series and position) are left as they are.</summary>
    Task<SaveResult> SaveRunAsync(Run run, CancellationToken cancellationToken = default);

    /// <summary>The run with this id (or, when no id matches, the only run with this name), or null.</summary>
    Task<Run?> GetRunAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>One series of a stored run, named by its key or by the name it was logged under, or null. With <paramref name="maxPoints"/> (≥ 4) a longer series is reduced
    /// in the store to the lowest and highest point of each of ⌊maxPoints/2⌋ − 1 buckets of consecutive points, plus the
    /// first and last point and the first NaN of every bucket: a spike or a NaN is never hidden. The result can exceed
    /// maxPoints by the number of buckets that hold a NaN.</summary>
    Task<Series?> ReadSeriesAsync(string runId, string key, int? maxPoints = null, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> points of a series from position <paramref name="offset"/> (0 = its first
    /// point), in stored order, or null when the run has no such series: what a reader that must not hold a whole long
    /// series in memory pages through. A store reads only the chunks the page needs; the fallback reads the series.</summary>
    async Task<SeriesPage?> ReadPointsAsync(string runId, string key, long offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var series = await ReadSeriesAsync(runId, key, null, cancellationToken).ConfigureAwait(false);
        if (series is null)
        {
            return null;
        }

        var start = (int)Math.Min(offset, series.Count);
        return new SeriesPage(series.Key, series.OriginalName, series.Count, start, series.Points.Slice(start, Math.Min(limit, series.Count - start)));
    }

    /// <summary>Stored runs, newest import first.</summary>
    Task<IReadOnlyList<StoredRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default);
}
