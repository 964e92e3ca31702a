namespace Runlens.Model;

/// <summary>Something that happened to a run or while reading it.</summary>
/// <param name="Kind">What kind of event.</param>
/// <param name="Message">One readable sentence.</param>
/// <param name="Step">Training step, when it applies.</param>
/// <param name="File">File concerned, when it applies (import damage names the damaged file).</param>
/// <param name="Location">Where in the file: <c>offset 1234</c> or <c>line 17</c>.</param>
public sealed record RunEvent(RunEventKind Kind, string Message, long? Step = null, string? File = null, string? Location = null)
{
    /// <summary>Written in the error event of a process that a known sender stopped with a signal, before the sender
    /// (<c>… exit code 137) sent by runlens run on control a1: stop</c>); readers find the cause by it.</summary>
    public const string SignalSentBy = ") sent by ";
}

public enum RunEventKind
{
    /// <summary>Part of an input could not be read; what came before it was kept.</summary>
    ImportDamage,
    /// <summary>The run itself reported an error (exception, OOM, CUDA error, failed status).</summary>
    Error,
    /// <summary>An early-stopping callback stopped the run.</summary>
    EarlyStop,
    Warning,
    Note,
    /// <summary>A recovery action was asked of the trainer (stop, reduce_lr, rollback), with the finding that caused it.</summary>
    Control,
}
