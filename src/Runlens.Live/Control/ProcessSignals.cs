using System.Runtime.InteropServices;

namespace Runlens.Live.Control;

/// <summary>Asks a process to stop gracefully: SIGINT on Linux and macOS (Python raises KeyboardInterrupt, the Hugging
/// Face Trainer and Lightning then save and exit).</summary>
public static partial class ProcessSignals
{
    private const int SigInt = 2;

    /// <returns>False when the signal could not be sent (the process is gone, or this is Windows).</returns>
    public static bool Interrupt(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigInt) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
