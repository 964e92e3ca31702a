namespace Runlens.Agent.Processes;

/// <summary>How a child process ended: its exit code (null when it was killed at its time or memory limit), its output
/// and error text, and how long it took.</summary>
/// <param name="Memory">The watchdog that stopped it at its memory limit, or null.</param>
public sealed record ChildResult(int? ExitCode, string Output, string Error, TimeSpan Elapsed, MemoryWatchdog? Memory = null)
{
    public bool TimedOut => ExitCode is null && Memory is null;

    public bool OutOfMemory => Memory is not null;

    /// <summary>The last non-empty line of the error text (a Python error's message), or null.</summary>
    public string? LastErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
