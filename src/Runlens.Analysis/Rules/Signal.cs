namespace Runlens.Analysis.Rules;

/// <summary>A kind of input a rule needs, with the advice that makes a run log it.</summary>
/// <param name="Id">Stable id written to <c>coverage</c>, e.g. <c>train/loss</c>.</param>
/// <param name="Description">What it is.</param>
/// <param name="HowToLog">What to change so the trainer logs it.</param>
public sealed record Signal(string Id, string Description, string HowToLog)
{
    public static Signal TrainLoss { get; } = new("train/loss", "training loss logged during training",
        "log the training loss every few steps (HF Trainer: logging_steps; Lightning: self.log('train_loss', ...))");

    public static Signal ValLoss { get; } = new("val/loss", "validation loss at each evaluation",
        "evaluate during training (HF Trainer: eval_strategy='steps' with eval_steps; Lightning: validation_step logging val_loss)");

    public static Signal ValMetric { get; } = new("val/metric", "a validation metric (loss or task metric) at two or more evaluations",
        "evaluate during training at regular intervals (HF Trainer: eval_strategy='steps' or 'epoch'; Keras: validation_data)");

    public static Signal GradNorm { get; } = new("train/grad_norm", "gradient norm per logging step",
        "log the gradient norm (HF Trainer logs grad_norm since transformers 4.38; Lightning: track_grad_norm / log grad norms in on_before_optimizer_step)");

    public static Signal LearningRate { get; } = new("train/learning_rate", "learning rate per logging step",
        "log the learning rate (HF Trainer does by default; Lightning: LearningRateMonitor; Keras: a callback logging lr)");

    public static Signal AnySeries { get; } = new("series", "any logged series", "log metrics during training");

    public static Signal Predictions { get; } = new("predictions", "per-example validation predictions",
        "save the validation predictions (example_id, label, predicted, prob_<class>) and pass them with --predictions FILE");

    public static Signal Seeds { get; } = new("seeds", "the metrics of several runs of one config that differ only by seed",
        "run the config with several seeds and pass their predictions to runlens evaluate --seeds");

    public static IReadOnlyList<Signal> All { get; } = [TrainLoss, ValLoss, ValMetric, GradNorm, LearningRate, AnySeries, Predictions, Seeds];
}
