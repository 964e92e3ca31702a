using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>What <see cref="HfTrainerStateReader"/> read from one <c>trainer_state.json</c>. Filled while reading.</summary>
internal sealed class HfTrainerStateFile
{
    public long? GlobalStep { get; set; }

    public double? Epoch { get; set; }

    public long? MaxSteps { get; set; }

    public double? NumTrainEpochs { get; set; }

    public long? LoggingSteps { get; set; }

    public long? EvalSteps { get; set; }

    public long? SaveSteps { get; set; }

    public long? TrainBatchSize { get; set; }

    public double? BestMetric { get; set; }

    public string? BestModelCheckpoint { get; set; }

    public long? BestGlobalStep { get; set; }

    public bool? IsLocalProcessZero { get; set; }

    public bool? ShouldTrainingStop { get; set; }

    public bool HasEarlyStoppingCallback { get; set; }

    public int? EarlyStoppingPatience { get; set; }

    public double? EarlyStoppingThreshold { get; set; }

    public int? EarlyStoppingPatienceCounter { get; set; }

    /// <summary>Per-log values of <c>log_history</c>, bare names in the <c>train</c> split.</summary>
    public SeriesCollector Series { get; } = new(n => MetricNames.Normalize(n, "train"));

    /// <summary>The closing summary entry (<c>train_runtime</c>, <c>train_loss</c>, <c>total_flos</c>, ...), keys as logged.</summary>
    public Dictionary<string, double> Summary { get; } = new(StringComparer.Ordinal);

    public int LogEntries { get; set; }

    public bool HasSummaryEntry { get; set; }

    /// <summary>At least one top-level field was read.</summary>
    public bool SawField { get; set; }

    public List<RunEvent> Events { get; } = [];

    /// <summary>How many parts <c>log_history</c> was read in at once (see <see cref="HfStateFileReader"/>); 0 when the
    /// file was read whole in one pass.</summary>
    public int Parts { get; set; }
}
