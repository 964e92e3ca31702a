using System.Diagnostics;

namespace Runlens.Agent.Processes;

/// <summary>Runs a program directly (never through a shell: each argument is passed as it is) with a wall-clock limit
/// and, when given, a resident-memory limit on it and its children (<see cref="MemoryWatchdog"/>), and collects its
/// output. Past either limit, the program and its children are killed.</summary>
public static class ChildProcess
{
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started (not found, not executable).</exception>
    public static async Task<ChildResult> RunAsync(IReadOnlyList<string> command, string workingFolder, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, long? memoryLimitBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingFolder,
        };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        await using var memory = memoryLimitBytes is { } bytes ? MemoryWatchdog.Start(process.Id, bytes, () => timeout.Cancel()) : null;
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = memory?.Exceeded != true;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var outOfMemory = memory?.Exceeded == true;
        return new ChildResult(timedOut || outOfMemory ? null : process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false), watch.Elapsed,
            outOfMemory ? memory : null);
    }
}
