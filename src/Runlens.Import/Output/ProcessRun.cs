using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>The run of a recorded process: the trainer's own log when one was found (its series, config, trainer
/// state), with the process's events, status and times and the machine's readings from <c>system.jsonl</c> as
/// <c>system/*</c> series (see <see cref="SystemSeries"/>; step = whole seconds since the process started); or, without
/// a log, a run of those alone.</summary>
public static class ProcessRun
{
    public static Run Of(RecordedProcess process, Run? trainer, string folder)
    {
        ArgumentNullException.ThrowIfNull(process);
        var status = process.ExitCode == 0 ? RunStatus.Finished : process.ExitCode is > 128 and < 160 ? RunStatus.Killed : RunStatus.Failed;
        var name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar));
        var run = trainer ?? new Run { Identity = new RunIdentity(name, name, null, new RunSource("process", folder)) };
        var systemFile = Path.Combine(folder, ProcessRecorder.SystemLog);
        var system = File.Exists(systemFile) ? SystemSeries.Read(systemFile, process.Start) : null;
        var summary = run.Summary;
        if (system?.CpuCount is { } cores)
        {
            summary = summary.SetItem(SystemMetrics.CpuCount, cores);
        }

        return run with
        {
            Identity = run.Identity with { Time = new StartEnd(process.Start, process.End) },
            Status = status,
            Series = system is null ? run.Series : run.Series.SetItems(system.Series),
            Summary = summary,
            Events = [.. run.Events, .. process.Events, .. system?.Events ?? []],
        };
    }
}
