namespace Runlens.Model;

/// <summary>
/// The one mapping from the names trainers log to Runlens keys. A key is <c>split/name</c> with split one of
/// <c>train</c>, <c>val</c>, <c>test</c> (<c>eval_loss</c>, <c>val/loss</c>, <c>val_loss</c>, <c>validation/loss</c> are all
/// <c>val/loss</c>); names without a recognisable split keep their original spelling. The original name is always kept
/// beside the key on <see cref="Series.OriginalName"/>.
/// </summary>
public static class MetricNames
{
    public const string TrainLoss = "train/loss";
    public const string ValLoss = "val/loss";
    public const string GradNorm = "train/grad_norm";
    public const string LearningRate = "train/learning_rate";

    private static readonly (string Prefix, string Split)[] Prefixes =
    [
        ("validation", "val"), ("valid", "val"), ("eval", "val"), ("val", "val"), ("dev", "val"),
        ("training", "train"), ("train", "train"),
        ("testing", "test"), ("test", "test"), ("predict", "test"),
    ];

    private static readonly HashSet<string> NotMetrics = new(StringComparer.OrdinalIgnoreCase)
    {
        "epoch", "step", "global_step", "_step", "_runtime", "_timestamp", "_wandb", "hp_metric", "time", "timestamp",
    };

    /// <summary>Normalises one logged name.</summary>
    /// <param name="original">The name as logged.</param>
    /// <param name="bareSplit">The split a name without a split prefix belongs to (<c>train</c> for HF Trainer and Keras
    /// logs, where bare <c>loss</c> is the training loss); null where the format gives no such convention.</param>
    public static string Normalize(string original, string? bareSplit = "train")
    {
        ArgumentNullException.ThrowIfNull(original);
        var name = original.Trim();
        if (name.Length == 0 || NotMetrics.Contains(name))
        {
            return name;
        }

        foreach (var (prefix, split) in Prefixes)
        {
            if (name.Length > prefix.Length + 1
                && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && name[prefix.Length] is '_' or '/' or '-' or '.')
            {
                return split + "/" + Canonical(name[(prefix.Length + 1)..]);
            }
        }

        // Lightning's LearningRateMonitor logs "lr-Adam", "lr-AdamW/pg1".
        if (name.StartsWith("lr-", StringComparison.OrdinalIgnoreCase) || name.Equals("lr", StringComparison.OrdinalIgnoreCase)
            || name.Equals("learning_rate", StringComparison.OrdinalIgnoreCase))
        {
            return LearningRate;
        }

        if (name.Equals("grad_norm", StringComparison.OrdinalIgnoreCase))
        {
            return GradNorm;
        }

        if (bareSplit is null || name.Contains(' ', StringComparison.Ordinal))
        {
            return name;
        }

        return bareSplit + "/" + Canonical(name);
    }

    /// <summary>The split part of a key (<c>train</c>, <c>val</c>, <c>test</c>) or null.</summary>
    public static string? SplitOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var split = key[..slash];
        return split is "train" or "val" or "test" ? split : null;
    }

    /// <summary>The name part of a key (<c>loss</c> for <c>val/loss</c>).</summary>
    public static string NameOf(string key)
    {
        var split = SplitOf(key);
        return split is null ? key : key[(split.Length + 1)..];
    }

    /// <summary>True for keys that name a loss (<c>loss</c>, <c>g0_loss</c>, <c>loss_batch</c>, <c>loss_epoch</c>), not other
    /// lower-is-better metrics such as WER.</summary>
    public static bool IsLossName(string key)
    {
        var n = NameOf(key);
        return n.EndsWith("loss", StringComparison.OrdinalIgnoreCase)
            || n.StartsWith("loss_", StringComparison.OrdinalIgnoreCase)
            || n.Contains("_loss_", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for keys that count or time the training itself — epochs, steps, runtimes, samples or steps per
    /// second, timestamps, counters — rather than measure the model: never a task metric, a sudden drop or an
    /// anomaly.</summary>
    public static bool IsBookkeeping(string key)
    {
        var n = NameOf(key).ToLowerInvariant();
        return n.Contains("runtime", StringComparison.Ordinal) || n.Contains("per_second", StringComparison.Ordinal)
            || n.Contains("epoch", StringComparison.Ordinal) || n.Contains("step", StringComparison.Ordinal)
            || n.Contains("timestamp", StringComparison.Ordinal) || n.EndsWith("_number", StringComparison.Ordinal)
            || n.Contains("count", StringComparison.Ordinal);
    }

    /// <summary>True for loss-like keys, where lower is better.</summary>
    public static bool IsLoss(string key)
    {
        var n = NameOf(key).ToLowerInvariant();
        return n.EndsWith("loss", StringComparison.Ordinal) || n.StartsWith("loss", StringComparison.Ordinal)
            || n is "wer" or "cer" or "perplexity" or "mae" or "mse" or "rmse" or "error"
            || n.EndsWith("_wer", StringComparison.Ordinal) || n.EndsWith("_cer", StringComparison.Ordinal)
            || n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_mae", StringComparison.Ordinal)
            || n.EndsWith("_mse", StringComparison.Ordinal) || n.EndsWith("perplexity", StringComparison.Ordinal);
    }

    private static string Canonical(string name)
    {
        var n = name;
        // Keras TensorBoard writes epoch_loss / epoch_accuracy under train/ and validation/.
        if (n.StartsWith("epoch_", StringComparison.OrdinalIgnoreCase) && n.Length > 6)
        {
            n = n[6..];
        }

        // Lightning: "loss_step" is the per-step value of "loss".
        if (n.EndsWith("_step", StringComparison.OrdinalIgnoreCase) && n.Length > 5)
        {
            n = n[..^5];
        }

        return n.ToLowerInvariant() switch
        {
            "acc" => "accuracy",
            "lr" => "learning_rate",
            _ => n,
        };
    }
}
