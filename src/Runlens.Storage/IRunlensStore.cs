namespace Runlens.Storage;

/// <summary>
/// Everything a host needs of a store: stored runs, live runs, experiments, search and attachments. What
/// <see cref="RunStores.OpenAsync"/> returns, so hosts depend on these interfaces and not on a backend.
/// </summary>
public interface IRunlensStore : IRunStore, ILiveRunStore, IExperimentStore, IRunSearch, IRunAttachments
{
}
