using System.Diagnostics;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Import.Output;

/// <summary>How a recorded training process ended.</summary>
/// <param name="ExitCode">The exit code; on Unix 128 + N when signal N killed it.</param>
public sealed record RecordedProcess(IReadOnlyList<string> Command, DateTimeOffset Start, DateTimeOffset End, int ExitCode, IReadOnlyList<RunEvent> Events, int Samples);

/// <summary>
/// Runs a training command and records it into a folder: its output, line by line as it comes, to the terminal and to
/// <c>output.log</c>; a system sample every few seconds to <c>system.jsonl</c> (see <see cref="SystemSampler"/>); and,
/// when it ends, <c>process.json</c> with the command, times, exit code and the failures read from the output
/// (<see cref="OutputClassifier"/>; see <see cref="Output.ProcessFile"/>).
/// </summary>
public static class ProcessRecorder
{
    public const string OutputLog = "output.log";
    public const string SystemLog = "system.jsonl";
    public const string ProcessFile = "process.json";

    private static readonly JsonSerializerOptions Line = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <param name="echo">Where each output line is also written as it comes (the terminal): stdout lines with false,
    /// stderr lines with true.</param>
    /// <param name="environment">Variables added to the command's environment.</param>
    /// <param name="started">Called with the process id once the command runs.</param>
    /// <param name="sentBy">Given the signal that ended the process, who sent it when the caller did (see
    /// <see cref="OutputClassifier.Classify"/>), else null.</param>
    /// <param name="cancellationToken">Kills the command and its children (SIGKILL) when cancelled, e.g. at a wall-clock
    /// limit; the process is then recorded as it ended (exit code 137).</param>
    public static async Task<RecordedProcess> RunAsync(IReadOnlyList<string> command, string folder, TimeSpan sampleEvery, Action<string, bool> echo,
        IReadOnlyDictionary<string, string>? environment = null, Action<int>? started = null, Func<int, string?>? sentBy = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(echo);
        Directory.CreateDirectory(folder);
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PYTHONUNBUFFERED"] = "1"; // so a Python trainer's lines arrive as they are printed
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        var lines = new List<string>();
        var gate = new object();
        await using var log = new StreamWriter(Path.Combine(folder, OutputLog)) { AutoFlush = true };
        void OnLine(string? line, bool error)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                lines.Add(line);
                log.WriteLine(line);
                echo(line, error);
            }
        }

        var start = DateTimeOffset.UtcNow;
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started?.Invoke(process.Id);
        using var kill = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it has ended already
            }
        });

        var sampler = new SystemSampler(process.Id);
        var samples = 0;
        await using (var system = new StreamWriter(Path.Combine(folder, SystemLog)) { AutoFlush = true })
        {
            var exited = process.WaitForExitAsync();
            do
            {
                await system.WriteLineAsync(JsonSerializer.Serialize(sampler.Sample(), Line)).ConfigureAwait(false);
                samples++;
            }
            while (await Task.WhenAny(exited, Task.Delay(sampleEvery)).ConfigureAwait(false) != exited);
            await exited.ConfigureAwait(false);
        }

        process.WaitForExit(); // the output is read to its end
        var end = DateTimeOffset.UtcNow;
        List<string> output;
        lock (gate)
        {
            output = [.. lines];
        }

        var events = OutputClassifier.Classify(output, OutputLog, process.ExitCode,
            process.ExitCode is > 128 and < 160 ? sentBy?.Invoke(process.ExitCode - 128) : null);
        var recorded = new RecordedProcess(command, start, end, process.ExitCode, events, samples);
        Output.ProcessFile.Write(folder, recorded);
        return recorded;
    }
}
