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

            var series = _run.Get(MetricNames.LearningRate);
            var max = series is null ? double.NaN : series.Points.Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
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
        double.IsFinite(v) ? double.Parse(v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : v;

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
