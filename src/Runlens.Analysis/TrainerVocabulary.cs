using Runlens.Analysis.Findings;
using Runlens.Analysis.Signals;
using Runlens.Model;

namespace Runlens.Analysis;

/// <summary>
/// Config keys as the run's own trainer spells them, so a recommended change can be pasted into that trainer's config
/// (HF TrainingArguments, Lightning Trainer, Keras fit/callbacks).
/// </summary>
public sealed class TrainerVocabulary
{
    private readonly Run _run;

    public TrainerVocabulary(Run run)
    {
        _run = run;
        var f = run.Identity.Source.Format;
        Kind = f.StartsWith("hf", StringComparison.Ordinal) ? "hf"
            : f.StartsWith("lightning", StringComparison.Ordinal) ? "lightning"
            : f.StartsWith("keras", StringComparison.Ordinal) ? "keras"
            : run.Config.Values.ContainsKey("num_train_epochs") || run.Config.Values.ContainsKey("per_device_train_batch_size") ? "hf"
            : "generic";
    }

    /// <summary><c>hf</c>, <c>lightning</c>, <c>keras</c> or <c>generic</c>.</summary>
    public string Kind { get; }

    public bool IsHf => Kind == "hf";

    public string Epochs => First("num_train_epochs", "max_epochs", "epochs") ?? (Kind switch
    {
        "lightning" => "max_epochs",
        "keras" => "epochs",
        _ => "num_train_epochs",
    });

    public string LearningRateKey => First("learning_rate", "lr", "optimizer.lr", "optimizer.learning_rate") ?? "learning_rate";

    /// <summary>The gradient-clipping setting: HF <c>max_grad_norm</c>, Lightning <c>gradient_clip_val</c>, Keras <c>clipnorm</c>.</summary>
    public string GradClipKey => First("max_grad_norm", "gradient_clip_val", "clipnorm", "grad_clip", "clip_grad_norm") ?? (Kind switch
    {
        "lightning" => "gradient_clip_val",
        "keras" => "clipnorm",
        _ => "max_grad_norm",
    });

    /// <summary>The clip threshold in effect: the configured one, else HF Trainer's default 1.0 for HF runs, else null.</summary>
    public double? MaxGradNorm => _run.Config.Number(GradClipKey) is { } v ? (v > 0 ? v : null) : IsHf ? 1.0 : null;

    /// <summary>The learning rate: the configured peak, else the largest logged value, else null.</summary>
    public double? LearningRate
    {
        get
        {
            if (_run.Config.Number(LearningRateKey) is { } lr && lr > 0)
            {
                return lr;
            }

            // the largest finite value, the first of equal ones kept (as Enumerable.Max keeps it), over the series' shared
            // values: a loop ReadyToRun compiles, where LINQ over a million points was JIT-compiled in each process
            var series = _run.Get(MetricNames.LearningRate);
            var max = double.NaN;
            foreach (var x in series is null ? [] : SeriesValues.Of(series))
            {
                if (Finite.Is(x) && (double.IsNaN(max) || x > max))
                {
                    max = x;
                }
            }

            return max > 0 ? Round3(max) : null;
        }
    }

    /// <summary>A change of the learning rate to <paramref name="to"/> (rounded to 3 significant digits), from the configured
    /// value or, when none is configured, from the largest logged one.</summary>
    public ConfigChange LearningRateChange(double to)
    {
        var from = _run.Config.Get(LearningRateKey) ?? (LearningRate is { } lr ? ConfigValue.Of(Round3(lr)) : null);
        return new ConfigChange(LearningRateKey, from, ConfigValue.Of(Round3(to)));
    }

    /// <summary><paramref name="v"/> rounded to 3 significant digits (logged float32 learning rates read 4.99999e-06).</summary>
    public static double Round3(double v) =>
        Finite.Is(v) ? double.Parse(v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : v;

    public string EarlyStoppingPatience => Kind switch
    {
        "lightning" => "EarlyStopping.patience",
        "keras" => "EarlyStopping.patience",
        _ => "early_stopping_patience",
    };

    /// <summary>The trainer's name for a metric key (HF: <c>val/loss</c> → <c>eval_loss</c>).</summary>
    public string MetricName(Series series) => series.OriginalName;

    /// <summary>A change from the current config value (if any) to <paramref name="to"/>.</summary>
    public ConfigChange Change(string key, ConfigValue to) => new(key, _run.Config.Get(key), to);

    public ConfigChange Change(string key, double to) => Change(key, ConfigValue.Of(to));

    public ConfigChange Change(string key, bool to) => Change(key, ConfigValue.Of(to));

    public ConfigChange Change(string key, string to) => Change(key, ConfigValue.Of(to));

    /// <summary>Config changes that make the trainer keep and reload the best checkpoint by <paramref name="metric"/>.</summary>
    public IEnumerable<ConfigChange> KeepBest(Series metric, bool greaterIsBetter)
    {
        switch (Kind)
        {
            case "hf":
                yield return Change("load_best_model_at_end", true);
                yield return Change("metric_for_best_model", metric.OriginalName.StartsWith("eval_", StringComparison.Ordinal)
                    ? metric.OriginalName[5..] : metric.OriginalName);
                yield return Change("greater_is_better", greaterIsBetter);
                break;
            case "lightning":
                yield return Change("ModelCheckpoint.monitor", metric.OriginalName);
                yield return Change("ModelCheckpoint.mode", greaterIsBetter ? "max" : "min");
                yield return Change("ModelCheckpoint.save_top_k", 1);
                break;
            case "keras":
                yield return Change("ModelCheckpoint.monitor", metric.OriginalName);
                yield return Change("ModelCheckpoint.save_best_only", true);
                break;
            default:
                yield return Change("checkpoint.monitor", metric.OriginalName);
                yield return Change("checkpoint.keep_best", true);
                break;
        }
    }

    /// <summary>True when the run warms its learning rate up: a configured <c>warmup_ratio</c>/<c>warmup_steps</c> above 0,
    /// or a logged learning rate that starts at most half its peak and climbs to it without falling on the way.</summary>
    public bool HasWarmup
    {
        get
        {
            if (_run.Config.Number("warmup_ratio", "warmup_steps") is > 0)
            {
                return true;
            }

            var lr = _run.Get(MetricNames.LearningRate)?.Points.Select(p => p.Value).Where(Finite.Is).ToList();
            if (lr is null || lr.Count < 3)
            {
                return false;
            }

            var peak = lr.IndexOf(lr.Max());
            if (peak < 2 || !(lr[0] <= 0.5 * lr[peak]))
            {
                return false;
            }

            for (var i = 1; i <= peak; i++)
            {
                if (lr[i] < lr[i - 1])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Where the trainer takes <paramref name="key"/>, so a config block can be pasted: HF <c>TrainingArguments</c>
    /// or <c>EarlyStoppingCallback</c>; Lightning <c>Trainer</c>, <c>EarlyStopping</c>, <c>ModelCheckpoint</c> or the
    /// module's hyperparameters; Keras <c>fit</c>, the optimizer or a callback; <c>config</c> for other trainers.</summary>
    public string Destination(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot > 0 ? key[..dot] : null;
        return Kind switch
        {
            "hf" => key.StartsWith("early_stopping_", StringComparison.Ordinal) ? "EarlyStoppingCallback" : prefix ?? "TrainingArguments",
            "lightning" => prefix ?? (key is "learning_rate" or "lr" or "weight_decay" or "warmup_ratio" or "warmup_steps" ? "hparams" : "Trainer"),
            "keras" => prefix ?? (key is "learning_rate" or "lr" or "clipnorm" or "clipvalue" or "weight_decay" ? "optimizer" : "fit"),
            _ => prefix ?? "config",
        };
    }

    /// <summary>Keys that only make sense set together (the metric to keep the best by and its direction): a change to
    /// one must come from the same recommendation as a change to the others.</summary>
    public static IReadOnlyList<string> LinkedKeys(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string[][] groups =
        [
            ["metric_for_best_model", "greater_is_better"],
            ["ModelCheckpoint.monitor", "ModelCheckpoint.mode"],
            ["EarlyStopping.monitor", "EarlyStopping.mode"],
        ];
        return groups.FirstOrDefault(g => g.Contains(key, StringComparer.Ordinal)) ?? [];
    }

    /// <summary>True when the change sets a key to the value it already has (<c>1 → 1</c>, <c>true → true</c>).</summary>
    public static bool IsNoOp(ConfigChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.From is not { } from || from.Kind == ConfigValueKind.Null)
        {
            return false;
        }

        var to = change.To;
        if (Numeric(from) is { } a && Numeric(to) is { } b)
        {
            return a == b || Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b));
        }

        return string.Equals(from.Text, to.Text, StringComparison.OrdinalIgnoreCase);
    }

    private static double? Numeric(ConfigValue v) => v.Kind == ConfigValueKind.Number ? v.Number
        : v.Kind == ConfigValueKind.String && double.TryParse(v.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
        : null;

    /// <summary>A series the run logged under one of <paramref name="names"/>, read by name whatever the trainer's prefix:
    /// the name part of the key (<c>train/loss_std</c> → <c>loss_std</c>, or the last part of a nested name such as
    /// <c>learning/improvement_rate</c>) equals a name, case aside, and the key's split is <paramref name="split"/> (or it
    /// has none: a bare <c>loss_std</c> of a format without a split convention). The first name that matches wins; among
    /// several series for one name, the most logged.</summary>
    public Series? Logged(string split, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            Series? best = null;
            foreach (var s in _run.Series.Values)
            {
                if (s.Count == 0 || MetricNames.SplitOf(s.Key) is { } sp && sp != split || !NameIs(s.Key, name))
                {
                    continue;
                }

                if (best is null || s.Count > best.Count || (s.Count == best.Count && MetricNames.SplitOf(s.Key) == split))
                {
                    best = s;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>Seed-style per-batch loss spread: <c>train/loss_std</c>, <c>val/loss_std</c>.</summary>
    public Series? LossStd(string split) => Logged(split, "loss_std", "loss/std", "batch_loss_std", "loss_stddev");

    /// <summary>The logged spread of the gradient norm (<c>train/grad_norm_std</c>).</summary>
    public Series? GradNormStd => Logged("train", "grad_norm_std", "grad_norm/std", "gradient_norm_std", "grad_std");

    /// <summary>Mean entropy of the validation predictions (<c>val/avg_entropy</c>).</summary>
    public Series? PredictionEntropy => Logged("val", "avg_entropy", "mean_entropy", "entropy_mean", "prediction_entropy", "entropy");

    /// <summary>Share of groups (speakers, patients) whose examples all get one prediction (<c>val/speaker_consistency</c>).</summary>
    public Series? GroupConsistency => Logged("val", "speaker_consistency", "group_consistency", "patient_consistency",
        "subject_consistency", "document_consistency", "session_consistency");

    /// <summary>Top-1 accuracy of a split (<c>val/accuracy</c>, <c>train/accuracy</c>).</summary>
    public Series? Accuracy(string split) => Logged(split, "accuracy", "acc", "top1_accuracy", "top_1_accuracy");

    /// <summary>Top-<paramref name="k"/> accuracy of the validation split (<c>val/top2_accuracy</c>, <c>top_3_accuracy</c>).</summary>
    public Series? TopKAccuracy(int k) => Logged("val", $"top{k}_accuracy", $"top_{k}_accuracy", $"top{k}_acc", $"top_{k}_acc", $"accuracy_top{k}", $"acc_top{k}");

    /// <summary>The seed-style improvement rate of the learning curve (<c>learning/improvement_rate</c>).</summary>
    public Series? ImprovementRate => Logged("train", "improvement_rate") ?? Logged("val", "improvement_rate");

    /// <summary>Per-source validation accuracy (<c>val/per_dataset_accuracy/TIMIT</c>, <c>val/per_source_accuracy/…</c>), by
    /// source name, in key order.</summary>
    public IReadOnlyList<(string Source, Series Series)> PerSourceAccuracy()
    {
        string[] prefixes = ["per_dataset_accuracy/", "per_source_accuracy/", "dataset_accuracy/", "accuracy_by_dataset/", "per_dataset_acc/"];
        var found = new List<(string, Series)>();
        foreach (var s in _run.Series.Values)
        {
            if (s.Count == 0 || MetricNames.SplitOf(s.Key) is { } sp && sp != "val")
            {
                continue;
            }

            var name = MetricNames.NameOf(s.Key);
            foreach (var prefix in prefixes)
            {
                var at = name.IndexOf(prefix, StringComparison.OrdinalIgnoreCase);
                if (at >= 0 && (at == 0 || name[at - 1] == '/') && name.Length > at + prefix.Length)
                {
                    found.Add((name[(at + prefix.Length)..], s));
                    break;
                }
            }
        }

        return found;
    }

    private static bool NameIs(string key, string name)
    {
        var n = MetricNames.NameOf(key);
        return n.Equals(name, StringComparison.OrdinalIgnoreCase)
            || (n.Length > name.Length && n[^(name.Length + 1)] == '/' && n.EndsWith(name, StringComparison.OrdinalIgnoreCase));
    }

    private string? First(params string[] keys) => keys.FirstOrDefault(k => _run.Config.Values.ContainsKey(k));
}
