using Runlens.Storage;

namespace Runlens.Pipeline.Stores;

/// <summary>
/// A run store as the pipeline and the hosts use it, through its interfaces: runs and their points
/// (<see cref="IRunStore"/>); records, series counts and changes (<see cref="ILiveRunStore"/>); experiments
/// (<see cref="IExperimentStore"/>); search executed by the store (<see cref="IRunSearch"/>); uploaded predictions and
/// kept summaries (<see cref="IRunAttachments"/>). They are the same store seen through each interface, so no host
/// depends on a backend's class.
/// </summary>
public sealed class StoreAccess : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;

    private StoreAccess(IRunlensStore store, IAsyncDisposable? owned)
    {
        Store = store;
        _owned = owned;
    }

    /// <summary>The store behind every interface below.</summary>
    public IRunlensStore Store { get; }

    public IRunStore Runs => Store;

    public ILiveRunStore Live => Store;

    public IExperimentStore Experiments => Store;

    public IRunSearch Search => Store;

    public IRunAttachments Attachments => Store;

    /// <summary>A store the caller keeps and disposes.</summary>
    public static StoreAccess Of(IRunlensStore store) => new(store ?? throw new ArgumentNullException(nameof(store)), null);

    /// <summary>A store this access owns: disposing the access closes it.</summary>
    public static StoreAccess Owning(IRunlensStore store) => new(store ?? throw new ArgumentNullException(nameof(store)), store);

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
