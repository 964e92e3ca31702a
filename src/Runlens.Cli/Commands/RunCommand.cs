using System.CommandLine;
using System.Globalization;
using Runlens.Import.Output;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens run [--out DIR] [--sample-seconds N] -- COMMAND ARGS...</c>: runs a training command and records
/// its output, system use, exit and failures into DIR; exits with the command's own exit code.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var command = new Argument<string[]>("command") { Description = "The training command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Folder for output.log, system.jsonl and process.json (default: ./runlens-run-TIMESTAMP)" };
        var every = new Option<double>("--sample-seconds") { Description = "Seconds between system samples (CPU, memory, GPU)", DefaultValueFactory = _ => 5 };
        var run = new Command("run", "Run a training command and record it: its output (also shown here), CPU, memory and GPU use, how it ended, and the failures its output shows.")
        {
            command, output, every,
        };
        run.SetAction(async (parse, ct) =>
        {
            var args = parse.GetValue(command)!;
            var folder = parse.GetValue(output) ?? $"runlens-run-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            var seconds = parse.GetValue(every);
            if (seconds is <= 0 or > 3600)
            {
                await Console.Error.WriteLineAsync("runlens: --sample-seconds must be above 0 and at most 3600");
                return ExitCodes.Usage;
            }

            RecordedProcess recorded;
            try
            {
                recorded = await ProcessRecorder.RunAsync(args, folder, TimeSpan.FromSeconds(seconds), (line, error) => (error ? Console.Error : Console.Out).WriteLine(line));
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                await Console.Error.WriteLineAsync($"runlens: cannot start '{args[0]}': {ex.Message}. Check the command and your PATH.");
                return ExitCodes.BadInput;
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"runlens run: exit code {recorded.ExitCode} after {(recorded.End - recorded.Start).TotalSeconds:F1} s; {recorded.Events.Count} event(s); recorded in {folder}/"));
            foreach (var e in recorded.Events)
            {
                await Console.Error.WriteLineAsync($"  {e.Kind.ToString().ToLowerInvariant()}: {e.Message}{(e.Location is null ? "" : $" ({e.File}, {e.Location})")}");
            }

            // The trainer's own log, when it wrote one here or in DIR, is diagnosed together with how the process ended.
            Model.Run? trainer = null;
            var log = TrainerLogs.Find([Environment.CurrentDirectory, folder], recorded.Start);
            if (log is not null)
            {
                try
                {
                    trainer = (await Import.ImporterCatalog.ImportAsync(log, cancellationToken: CancellationToken.None)).Runs.FirstOrDefault();
                }
                catch (Import.RunImportException ex)
                {
                    await Console.Error.WriteLineAsync("runlens: the trainer's log could not be read: " + ex.Message);
                }
            }

            var diagnosis = new Analysis.Diagnoses.Diagnoser().Diagnose(ProcessRun.Of(recorded, trainer, folder));
            await using (var json = File.Create(Path.Combine(folder, "diagnosis.json")))
            {
                Reports.Renderers.For("json").Render([diagnosis], json);
            }

            await Console.Error.WriteLineAsync(log is null
                ? $"runlens run: no trainer log found; diagnosed the process alone → {folder}/diagnosis.json"
                : $"runlens run: diagnosed {log} with the process → {folder}/diagnosis.json");
            await using (var err = Console.OpenStandardError())
            {
                new Reports.Terminal.DiagnosisTerminalRenderer(false, 120).Render([diagnosis], err);
            }

            return recorded.ExitCode;
        });
        return run;
    }
}
