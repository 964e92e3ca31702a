using Runlens.Analysis.Findings;
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

    private string? First(params string[] keys) => keys.FirstOrDefault(k => _run.Config.Values.ContainsKey(k));
}
