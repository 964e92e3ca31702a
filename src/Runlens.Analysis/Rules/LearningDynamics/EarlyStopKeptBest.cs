using Runlens.Model;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>
/// Whether the trainer itself stopped the run early and kept the best checkpoint: a validation metric that got worse
/// for a few evaluations before the stop is then what early stopping waits for, and the weights the run ended with are
/// the best ones.
/// </summary>
internal static class EarlyStopKeptBest
{
    /// <summary>
    /// True when the trainer's state names the checkpoint of <paramref name="bestStep"/> as its best, says that training
    /// should stop, and either holds EarlyStoppingCallback's state (the HF callback requires load_best_model_at_end) or
    /// has load_best_model_at_end on and ended before its planned length (a log that does not save the callback's state,
    /// as the runlens callback and older transformers versions).
    /// </summary>
    public static bool Of(Run run, long bestStep)
    {
        var t = run.Trainer;
        if (t.BestCheckpoint is null || t.BestStep != bestStep || t.ShouldTrainingStop != true)
        {
            return false;
        }

        if (t.EarlyStopping is not null)
        {
            return true;
        }

        if (run.Config.Get("load_best_model_at_end") is not { Kind: ConfigValueKind.Boolean, Boolean: true })
        {
            return false;
        }

        var maxSteps = t.MaxSteps is > 0 ? t.MaxSteps : run.Config.Number("max_steps");
        if (maxSteps is > 0 && t.GlobalStep is { } step)
        {
            return step < 0.95 * maxSteps.Value;
        }

        var epochs = t.NumTrainEpochs ?? run.Config.Number("num_train_epochs");
        return epochs is > 0 && t.Epoch is { } epoch && epoch < 0.95 * epochs.Value;
    }
}
