namespace Runlens.Model;

/// <summary>What the trainer recorded about its own progress. Every field is optional: formats record different parts.</summary>
public sealed record TrainerState
{
    public static TrainerState Empty { get; } = new();

    public long? GlobalStep { get; init; }

    public double? Epoch { get; init; }

    public long? MaxSteps { get; init; }

    public double? NumTrainEpochs { get; init; }

    public long? LoggingSteps { get; init; }

    public long? EvalSteps { get; init; }

    public long? SaveSteps { get; init; }

    public long? TrainBatchSize { get; init; }

    /// <summary>The metric the trainer used to choose the best checkpoint (normalised key), when known.</summary>
    public string? BestMetricKey { get; init; }

    /// <summary>True when a larger best metric is better, when known.</summary>
    public bool? GreaterIsBetter { get; init; }

    public double? BestMetric { get; init; }

    public long? BestStep { get; init; }

    public string? BestCheckpoint { get; init; }

    public EarlyStoppingState? EarlyStopping { get; init; }

    /// <summary>The trainer's own "stop now" flag (HF <c>should_training_stop</c>).</summary>
    public bool? ShouldTrainingStop { get; init; }
}

/// <summary>An early-stopping callback's configuration and counter as the trainer saved it.</summary>
public sealed record EarlyStoppingState(int? Patience, double? Threshold, int? PatienceCounter)
{
    /// <summary>The counter reached the patience: the callback stopped (or is about to stop) the run.</summary>
    public bool Fired => Patience is > 0 && PatienceCounter >= Patience;
}
