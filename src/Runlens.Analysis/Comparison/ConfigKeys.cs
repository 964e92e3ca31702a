namespace Runlens.Analysis.Comparison;

/// <summary>
/// What a config key means when runs are compared: a random seed (runs that differ only by one are repeats of one
/// configuration), bookkeeping that differs between any two runs without changing the training (output folders, run
/// names), or a setting. The last segment of a dotted or slashed key is what counts (<c>trainer.seed</c> is a seed).
/// </summary>
public static class ConfigKeys
{
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.OrdinalIgnoreCase)
    {
        "output_dir", "logging_dir", "log_dir", "logdir", "save_dir", "dirpath", "default_root_dir", "run_name", "run_id",
        "name", "experiment_name", "project", "hub_model_id", "resume_from_checkpoint", "wandb_run_id", "tags", "notes",
        "timestamp", "date", "time", "is_local_process_zero", "is_world_process_zero", "is_hyper_param_search",
    };

    /// <summary>A random seed: the last segment is <c>seed</c> or ends with it (<c>seed</c>, <c>data_seed</c>,
    /// <c>random_seed</c>, <c>trainer.seed</c>), or is scikit-learn's <c>random_state</c>.</summary>
    public static bool IsSeed(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = LastSegment(key);
        return name.EndsWith("seed", StringComparison.OrdinalIgnoreCase) || name.Equals("random_state", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Bookkeeping that names or places a run rather than changing how it trains (<c>output_dir</c>,
    /// <c>run_name</c>, <c>logging_dir</c>, …), MLflow run tags (imported as <c>tags.*</c>) and <c>mlflow.*</c> keys.</summary>
    public static bool IsBookkeeping(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Bookkeeping.Contains(LastSegment(key))
            || key.StartsWith("tags.", StringComparison.OrdinalIgnoreCase) || key.StartsWith("mlflow.", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A setting: neither a seed nor bookkeeping.</summary>
    public static bool IsSetting(string key) => !IsSeed(key) && !IsBookkeeping(key);

    private static string LastSegment(string key)
    {
        var cut = key.LastIndexOfAny(['.', '/']);
        return cut < 0 ? key : key[(cut + 1)..];
    }
}
