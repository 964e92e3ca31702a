using System.Globalization;
using Runlens.Agent.Configuration;
using Runlens.Agent.Processes;
using Runlens.Import;
using Runlens.Import.Output;

namespace Runlens.Agent.Tools;

/// <summary>
/// Seed 003's trainer tool: one seed of an experiment, run as <c>runlens run</c> runs a command — its output in
/// <c>output.log</c>, system samples, <c>process.json</c> with the exit and the failures the output shows — and read back
/// as <c>runlens analyze DIR</c> reads such a folder. The command is the reference trainer, or the user's command
/// template with <c>{config}</c>, <c>{seed}</c> and <c>{out}</c> filled in; it is started directly, never through a
/// shell, and killed (with its children) at the wall-clock limit, and at the resident-memory limit when one is set
/// (<c>limits.memory_mb</c>, <see cref="MemoryWatchdog"/>).
/// </summary>
public static class SeedTrainer
{
    public const string Finished = "finished";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";

    /// <summary>The command for one seed.</summary>
    public static IReadOnlyList<string> Command(AgentConfig config, string configFile, int seed, string folder)
    {
        ArgumentNullException.ThrowIfNull(config);
        var s = seed.ToString(CultureInfo.InvariantCulture);
        return config.Trainer.Kind == "reference"
            ? [config.Python, TrainerScript.Path(config), "train", "--config", configFile, "--seed", s, "--out", folder]
            : [.. config.Trainer.Command.Select(a => a.Replace("{config}", configFile, StringComparison.Ordinal)
                .Replace("{seed}", s, StringComparison.Ordinal).Replace("{out}", folder, StringComparison.Ordinal))];
    }

    public static async Task<SeedOutcome> RunAsync(AgentConfig config, string project, string configFile, string experiment, int seed, string correlationId,
        Action<string, bool>? echo = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var folder = Path.GetFullPath(Path.Combine(project, ProjectLayout.SeedFolder(experiment, seed)));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // a run cut short by a killed agent starts again from nothing
        }

        Directory.CreateDirectory(folder);
        var control = Path.Combine(folder, ControlDocument.FileName);
        ControlDocument.Empty(Path.GetFileName(folder)).WriteTo(control);
        var command = Command(config, configFile, seed, folder);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(config.Trainer.TimeLimitSeconds));
        RecordedProcess recorded;
        MemoryWatchdog? memory = null;
        try
        {
            recorded = await ProcessRecorder.RunAsync(command, folder, TimeSpan.FromSeconds(5), echo ?? ((_, _) => { }),
                new Dictionary<string, string>
                {
                    ["RUNLENS_RUN_DIR"] = folder,
                    ["RUNLENS_CONTROL"] = control,
                    ["RUNLENS_CORRELATION_ID"] = correlationId,
                },
                pid => memory = config.Trainer.RunMemoryMb is { } mb ? MemoryWatchdog.Start(pid, mb * 1024L * 1024, () => limit.Cancel()) : null,
                signal => signal != 9 || !limit.IsCancellationRequested || cancellationToken.IsCancellationRequested ? null
                    : memory?.Exceeded == true ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"runlens agent at the run's memory limit of {config.Trainer.RunMemoryMb} MB")
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"runlens agent at the trainer's time limit of {config.Trainer.TimeLimitSeconds} s"),
                limit.Token).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            var failure = $"cannot start '{command[0]}' ({ex.Message}); check {(config.Trainer.Kind == "reference" ? "paths.python" : "trainer.command")} in the agent config";
            return new SeedOutcome(seed, folder, Failed, null, TimeSpan.Zero, failure, null, null, null);
        }
        finally
        {
            if (memory is not null)
            {
                await memory.DisposeAsync().ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outOfMemory = memory?.Exceeded == true;
        var timedOut = limit.IsCancellationRequested && !outOfMemory;
        var log = TrainerLogs.Find([folder], recorded.Start);
        ProcessFile.Write(folder, recorded, log);
        Model.Run? run = null;
        string? problem = null;
        try
        {
            var read = await RunFolder.ReadAsync(folder, cancellationToken).ConfigureAwait(false);
            run = read.Run;
            problem = read.Problem;
        }
        catch (RunImportException ex)
        {
            problem = ex.Message;
        }

        var predictions = Path.Combine(folder, config.Trainer.Predictions);
        var status = timedOut ? TimedOut : recorded.ExitCode == 0 && !outOfMemory ? Finished : Failed;
        string? why = status switch
        {
            Failed when outOfMemory => $"out of memory: {memory!.Describe("limits.memory_mb")}; the run was stopped",
            TimedOut => string.Create(CultureInfo.InvariantCulture, $"stopped at the wall-clock limit of {config.Trainer.TimeLimitSeconds:G} s (trainer.time_limit_seconds)"),
            Failed => $"exit code {recorded.ExitCode}" + (recorded.Events.FirstOrDefault(e => e.Kind == Model.RunEventKind.Error && !e.Message.StartsWith("The process exited", StringComparison.Ordinal)) is { } e
                ? ": " + e.Message : LastLine(folder) is { } l ? ": " + l : ""),
            _ => File.Exists(predictions) ? null : $"the run wrote no {config.Trainer.Predictions} in its folder",
        };
        return new SeedOutcome(seed, folder, why is not null && status == Finished ? Failed : status, timedOut ? null : recorded.ExitCode,
            recorded.End - recorded.Start, why, run, File.Exists(predictions) ? predictions : null, problem);
    }

    private static string? LastLine(string folder)
    {
        var log = Path.Combine(folder, ProcessRecorder.OutputLog);
        return File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Trim().Length > 0)?.Trim() : null;
    }
}
