namespace Runlens.Storage;

/// <summary>What a run list or a search reads: runs of these experiments (all when null), active and/or deleted.</summary>
/// <param name="Experiments">Experiment names; a run without an experiment belongs to <see cref="Experiment.DefaultName"/>.</param>
public sealed record RecordQuery(IReadOnlyCollection<string>? Experiments = null, bool Active = true, bool Deleted = false);

/// <summary>
/// Runs that arrive live, through Runlens' API or the MLflow tracking API: created empty, then changed by batches.
/// </summary>
public interface ILiveRunStore
{
    /// <summary>Creates a run; <see cref="AlreadyExistsException"/> when its id is taken.</summary>
    Task CreateRunAsync(NewRun run, CancellationToken cancellationToken = default);

    /// <summary>Applies every change in one transaction and returns how many new points were stored. Nothing is
    /// stored when it fails (<see cref="RunNotFoundException"/>, <see cref="ParamConflictException"/>).</summary>
    Task<long> ApplyAsync(string runId, RunChanges changes, CancellationToken cancellationToken = default);

    /// <summary>The run without its points, or null.</summary>
    Task<RunRecord?> GetRecordAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every run the query selects, without points, for search and filtering.</summary>
    Task<IReadOnlyList<RunRecord>> ListRecordsAsync(RecordQuery query, CancellationToken cancellationToken = default);

    /// <summary>The run's series: key, the name it was logged under, and how many points it holds.</summary>
    Task<IReadOnlyList<(string Key, string Name, long Count)>> ListSeriesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A number the store raises with every change to the run (points, status, config, tags, events, uploads),
    /// so that every process sharing the store knows at once that what it keeps of the run is out of date; null when the
    /// run is not stored, or the store keeps no such number.</summary>
    Task<long?> GetRevisionAsync(string runId, CancellationToken cancellationToken = default) => Task.FromResult<long?>(null);

    /// <summary>A document attached to the run, or null.</summary>
    Task<byte[]?> GetBlobAsync(string runId, string kind, string name, CancellationToken cancellationToken = default);
}
