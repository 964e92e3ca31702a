namespace Runlens.Import;

/// <summary>An importer that reads every run of a folder tree in its own layout (TensorBoard log folders, <c>mlruns/</c>,
/// Lightning logger folders, <c>wandb/</c>): a folder all of whose runs are its format is handed to it whole.</summary>
internal interface ITreeImporter : IRunImporter;
