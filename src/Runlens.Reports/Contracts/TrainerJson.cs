using Runlens.Model;

namespace Runlens.Reports.Contracts;

/// <summary>What the trainer recorded about its own progress; every field is null when the log does not say.</summary>
public sealed record TrainerJson(
    long? GlobalStep,
    double? Epoch,
    long? MaxSteps,
    double? NumTrainEpochs,
    long? TrainBatchSize,
    string? BestMetricKey,
    double? BestMetric,
    long? BestStep,
    string? BestCheckpoint,
    EarlyStoppingJson? EarlyStopping,
    bool? ShouldTrainingStop)
{
    public static TrainerJson From(TrainerState t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.GlobalStep, t.Epoch, t.MaxSteps, t.NumTrainEpochs, t.TrainBatchSize, t.BestMetricKey, t.BestMetric, t.BestStep,
            t.BestCheckpoint, EarlyStoppingJson.From(t.EarlyStopping), t.ShouldTrainingStop);
    }
}
