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

            return recorded.ExitCode;
        });
        return run;
    }
}
