namespace Runlens.Import.Output;

/// <summary>What a trainer is asked to do (seed 004 §7.1).</summary>
public enum ControlVerb
{
    /// <summary>Stop training now, gracefully (the Hugging Face callback sets <c>control.should_training_stop</c>).</summary>
    Stop,
    /// <summary>Multiply every learning rate of the optimizer by <see cref="ControlAction.Factor"/>.</summary>
    ReduceLr,
    /// <summary>Go back to the best checkpoint, <see cref="ControlAction.Checkpoint"/>.</summary>
    Rollback,
}
