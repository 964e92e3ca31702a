namespace Runlens.Import.Core;

/// <summary>
/// Columns (or keys) of a metric log that count or time the training instead of measuring the model: batch and step
/// counters, epochs, progress and percentages, elapsed and remaining time, runtimes, throughput (samples/s, tokens/s,
/// steps/s), tokens or samples seen, timestamps, W&amp;B's own <c>_</c> keys. They are never metrics: a log reader keeps
/// them as the step, epoch or wall time where they mean that, and reads no series from the rest. The names are matched
/// whole (after a split prefix such as <c>train_</c> or <c>eval/</c>, any case, <c>-</c>, <c>.</c> and spaces read as
/// <c>_</c>), so metrics that merely contain such a word — <c>batch_loss</c>, <c>train_loss_step</c>,
/// <c>mean_token_accuracy</c>, <c>epoch_loss</c> — stay metrics.
/// </summary>
internal static class Bookkeeping
{
    /// <summary>Step columns of generic logs, in order of preference.</summary>
    public static IReadOnlyList<string> StepNames { get; } = ["step", "global_step", "iteration", "iter", "_step"];

    /// <summary>Columns holding wall-clock seconds, in order of preference.</summary>
    public static IReadOnlyList<string> WallTimeNames { get; } = ["_timestamp", "timestamp", "wall_time", "walltime", "time"];

    /// <summary>Columns that count batches within an epoch: with one of them and no step column, the row is the step.</summary>
    public static IReadOnlyList<string> BatchNames { get; } = ["batch", "batch_idx", "batch_index", "batch_number", "batch_num", "batches"];

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        // counters of batches, steps, epochs, iterations
        "batch", "batches", "batch_idx", "batch_index", "batch_number", "batch_num", "batch_nb",
        "step", "steps", "global_step", "current_step", "current_steps", "total_steps", "max_steps", "num_steps",
        "iteration", "iterations", "iter", "iters", "it",
        "epoch", "epochs", "current_epoch", "total_epochs", "num_epochs", "max_epochs",
        // progress
        "percentage", "percent", "progress", "pct",
        // time
        "time", "timestamp", "wall_time", "walltime", "datetime", "date", "elapsed", "elapsed_time", "elapsed_seconds",
        "time_elapsed", "remaining", "remaining_time", "time_remaining", "eta", "runtime", "duration", "total_time",
        // throughput and what was seen
        "throughput", "samples_per_second", "samples_per_sec", "steps_per_second", "steps_per_sec", "tokens_per_second",
        "tokens_per_sec", "it_per_sec", "iter_per_sec", "num_tokens", "total_tokens", "tokens_seen", "num_input_tokens_seen",
        "samples_seen", "examples_seen", "num_samples", "total_flos", "flos",
    };

    private static readonly string[] SplitPrefixes = ["train", "training", "eval", "val", "valid", "validation", "test", "predict"];

    /// <summary>True for a column that counts or times the training (see the type's summary).</summary>
    public static bool Is(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = Canonical(name);
        if (n.Length == 0)
        {
            return false;
        }

        if (n[0] == '_')
        {
            return true; // W&B's own keys: _step, _runtime, _timestamp, _wandb
        }

        var bare = WithoutSplit(n);
        return Names.Contains(bare) || Names.Contains(n)
            || bare.EndsWith("_per_second", StringComparison.Ordinal) || bare.EndsWith("_per_sec", StringComparison.Ordinal)
            || bare.EndsWith("_runtime", StringComparison.Ordinal) || bare.EndsWith("/s", StringComparison.Ordinal);
    }

    /// <summary>True for a column that counts batches within an epoch.</summary>
    public static bool IsBatch(string name) => BatchNames.Contains(Canonical(name), StringComparer.Ordinal);

    /// <summary>Lower case, with <c>-</c>, <c>.</c> and spaces read as <c>_</c>; a <c>/s</c> suffix (<c>samples/s</c>) kept.</summary>
    private static string Canonical(string name)
    {
        var n = name.Trim().ToLowerInvariant().Replace('-', '_').Replace('.', '_').Replace(' ', '_');
        return n.EndsWith("/s", StringComparison.Ordinal) ? n : n.Replace('/', '_');
    }

    private static string WithoutSplit(string n)
    {
        foreach (var prefix in SplitPrefixes)
        {
            if (n.Length > prefix.Length + 1 && n.StartsWith(prefix, StringComparison.Ordinal) && n[prefix.Length] is '_' or '/')
            {
                return n[(prefix.Length + 1)..];
            }
        }

        return n;
    }
}
