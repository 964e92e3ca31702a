namespace Runlens.Storage;

/// <summary>Experiments, as the MLflow API manages them.</summary>
public interface IExperimentStore
{
    /// <summary>Creates an experiment with a new id; <see cref="AlreadyExistsException"/> when the name is taken.</summary>
    Task<Experiment> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default);

    /// <summary>The experiment with this id, or, with <paramref name="byName"/>, this name; null when none.</summary>
    Task<Experiment?> GetExperimentAsync(string idOrName, bool byName = false, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Renames, deletes/restores or tags an experiment (renaming moves its runs with it);
    /// <see cref="RunNotFoundException"/> when it does not exist.</summary>
    Task UpdateExperimentAsync(string id, string? name = null, string? lifecycle = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default);
}
