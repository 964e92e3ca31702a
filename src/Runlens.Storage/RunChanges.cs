using Runlens.Model;

namespace Runlens.Storage;

/// <summary>Points logged under one metric name (as the trainer logged it), in the order they were logged.</summary>
public sealed record MetricPoints(string Name, IReadOnlyList<SeriesPoint> Points);

/// <summary>A named document attached to a run: uploaded predictions, MLflow dataset inputs.</summary>
/// <param name="Kind">What it is: <c>predictions</c>, <c>training-predictions</c>, <c>inputs</c>.</param>
public sealed record RunBlob(string Kind, string Name, byte[] Data);

/// <summary>
/// Everything one write can change on a run, applied in one transaction (<see cref="ILiveRunStore.ApplyAsync"/>): the
/// store's single batch primitive, which single writes (one metric, one tag) wrap.
/// </summary>
public sealed record RunChanges
{
    /// <summary>New points. A point already stored for the same name, step and wall time is not stored again, so a
    /// client that retries a batch never duplicates it.</summary>
    public IReadOnlyList<MetricPoints> Points { get; init; } = [];

    /// <summary>Parameters, write-once: logging a key again with the same text is accepted, with another text it is a
    /// <see cref="ParamConflictException"/> and nothing of the change is stored.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = EmptyText;

    /// <summary>Config values that replace what is there.</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = EmptyText;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyText;

    public IReadOnlyList<string> DeleteTags { get; init; } = [];

    public RunStatus? Status { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public string? Name { get; init; }

    /// <summary><c>active</c> or <c>deleted</c>.</summary>
    public string? Lifecycle { get; init; }

    public IReadOnlyList<RunEvent> Events { get; init; } = [];

    public IReadOnlyList<RunBlob> Blobs { get; init; } = [];

    /// <summary>The change only records something made from the run (its diagnosis summary): the run's revision
    /// (<see cref="ILiveRunStore.GetRevisionAsync"/>) stays as it is.</summary>
    public bool Derived { get; init; }

    /// <summary>Refuse the write (<see cref="RunNotActiveException"/>) when the run is deleted, as MLflow does for logging.</summary>
    public bool RequireActive { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyText = new Dictionary<string, string>(StringComparer.Ordinal);
}
