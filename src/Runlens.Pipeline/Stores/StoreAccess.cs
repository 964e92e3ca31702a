using Runlens.Storage;

namespace Runlens.Pipeline.Stores;

/// <summary>
/// A run store as the pipeline and the hosts use it, through its interfaces: runs and their points
/// (<see cref="IRunStore"/>); records, series counts, changes and uploads (<see cref="ILiveRunStore"/>); experiments
/// (<see cref="IExperimentStore"/>). The three are the same store seen through each interface, so no host depends on a
/// backend's class.
/// </summary>
public sealed class StoreAccess : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;

    private StoreAccess(IRunStore runs, ILiveRunStore live, IExperimentStore experiments, IAsyncDisposable? owned)
    {
        Runs = runs;
        Live = live;
        Experiments = experiments;
        _owned = owned;
    }

    public IRunStore Runs { get; }

    public ILiveRunStore Live { get; }

    public IExperimentStore Experiments { get; }

    /// <summary>A store the caller keeps and disposes.</summary>
    public static StoreAccess Of<TStore>(TStore store) where TStore : IRunStore, ILiveRunStore, IExperimentStore =>
        new(store ?? throw new ArgumentNullException(nameof(store)), store, store, null);

    /// <summary>A store this access owns: disposing the access closes it.</summary>
    public static StoreAccess Owning<TStore>(TStore store) where TStore : IRunStore, ILiveRunStore, IExperimentStore =>
        new(store ?? throw new ArgumentNullException(nameof(store)), store, store, store);

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
