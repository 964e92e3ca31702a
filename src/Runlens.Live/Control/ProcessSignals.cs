using System.Runtime.InteropServices;

namespace Runlens.Live.Control;

/// <summary>Asks a process to stop, then tells it to: SIGINT on Linux and macOS (Python raises KeyboardInterrupt, the
/// Hugging Face Trainer and Lightning then save and exit), SIGTERM, and SIGKILL, which no process can ignore.</summary>
public static partial class ProcessSignals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <returns>False when the signal could not be sent (the process is gone, or this is Windows).</returns>
    public static bool Interrupt(int pid) => Send(pid, SigInt);

    /// <inheritdoc cref="Interrupt"/>
    public static bool Terminate(int pid) => Send(pid, SigTerm);

    /// <inheritdoc cref="Interrupt"/>
    public static bool ForceKill(int pid) => Send(pid, SigKill);

    private static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
