namespace Runlens.Import.Core;

/// <summary>
/// Names for runs read from one file, when the file names no run itself. A file name that many runs share
/// (<c>history.json</c>, <c>model_history.json</c>, <c>training.log</c>, <c>metrics.csv</c>, <c>trainer_log.jsonl</c>…)
/// says nothing about the run, so the run takes its folder's name; any other file name is the run's name. Two runs in
/// folders of the same name are told apart when read together (<see cref="FolderImporter"/>).
/// </summary>
internal static class RunNaming
{
    private static readonly HashSet<string> SharedStems = new(StringComparer.OrdinalIgnoreCase)
    {
        "history", "model_history", "training_history", "train_history", "history_dict", "hist",
        "training", "training_log", "train_log", "trainer_log", "training_logs", "train_logs",
        "metrics", "training_metrics", "train_metrics", "runlens", "progress", "results", "scalars",
        "wandb-history", "events",
    };

    /// <summary>The run name for a log file: its folder's name when the file name is one many runs share, else the file
    /// name without its extension.</summary>
    public static string ForFile(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stem = Path.GetFileNameWithoutExtension(file);
        if (!SharedStems.Contains(stem) && stem.Length > 0)
        {
            return stem;
        }

        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)) ?? "");
        return string.IsNullOrEmpty(folder) ? (stem.Length > 0 ? stem : file) : folder;
    }

    /// <summary>True when <paramref name="file"/>'s name is one many runs share.</summary>
    public static bool IsShared(string file) => SharedStems.Contains(Path.GetFileNameWithoutExtension(file));
}
