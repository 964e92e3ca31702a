using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>The run of a recorded process: the trainer's own log when one was found (its series, config, trainer
/// state), with the process's events, status and times; or, without a log, a run of those alone.</summary>
public static class ProcessRun
{
    public static Run Of(RecordedProcess process, Run? trainer, string folder)
    {
        ArgumentNullException.ThrowIfNull(process);
        var status = process.ExitCode == 0 ? RunStatus.Finished : process.ExitCode is > 128 and < 160 ? RunStatus.Killed : RunStatus.Failed;
        var name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar));
        var run = trainer ?? new Run { Identity = new RunIdentity(name, name, null, new RunSource("process", folder)) };
        return run with
        {
            Identity = run.Identity with { Time = new StartEnd(process.Start, process.End) },
            Status = status,
            Events = [.. run.Events, .. process.Events],
        };
    }
}
