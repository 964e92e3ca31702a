using System.CommandLine;
using Runlens.Analysis.Comparison;
using Runlens.Import;
using Runlens.Reports;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens compare RUN RUN... [--store S] [--format text|json|md] [--out FILE] [--target VALUE]</c>: which run
/// is best, by how much against the seed spread, what differs and what to change (<c>runlens.comparison/v1</c>).</summary>
internal static class CompareCommand
{
    public static Command Build()
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "Two or more runs: log files or run folders (a folder holding several runs, e.g. mlruns/, adds all of them), or ids or names of runs in the store",
            Arity = ArgumentArity.OneOrMore,
        };
        var store = StoreOption.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. ComparisonRenderers.Formats]);
        var output = new Option<string?>("--out", "-o") { Description = "Write the comparison to this file instead of standard output" };
        var target = new Option<double?>("--target") { Description = "Value of the primary metric to measure steps-to-target against (default: the worst run's best value)" };

        var command = new Command("compare", "Compare runs: the best one and its margin (against the seed spread), the config that differs, curves, stability, findings only one run has, and what to change.")
        {
            runs, format, output, target, store,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            parse.GetValue(runs) ?? [], parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(target), parse.GetValue(store), ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] args, string format, string? outFile, double? target, string? storePath, CancellationToken ct)
    {
        if (target is { } t && !double.IsFinite(t))
        {
            await Console.Error.WriteLineAsync("runlens: --target must be a finite number");
            return ExitCodes.Usage;
        }

        var runs = new List<Model.Run>();
        IRunStore? store = null;
        try
        {
            foreach (var arg in args)
            {
                if (File.Exists(arg) || Directory.Exists(arg))
                {
                    var imported = await ImportProgress.RunAsync(arg, ct);
                    if (imported.Runs.IsEmpty)
                    {
                        await Console.Error.WriteLineAsync($"runlens: {arg}: no run found. Point at a run folder or a log file.");
                        return ExitCodes.BadInput;
                    }

                    runs.AddRange(imported.Runs);
                    continue;
                }

                // Not a file or folder: a run in the store, by id or name (as `runlens show`).
                if (store is null && StoreOption.Exists(storePath))
                {
                    store = await StoreOption.OpenAsync(storePath, StoreAccess.OpenExisting, ct);
                }

                if (store is null || await store.GetRunAsync(arg, ct) is not { } stored)
                {
                    await Console.Error.WriteLineAsync(
                        store is null
                            ? $"runlens: {arg}: no such file or folder, and no run store ({StoreOption.Describe(storePath)}) to look it up in; give a log path, or --store and a run from `runlens runs`"
                            : $"runlens: {arg}: no run with id or name '{arg}' in {StoreOption.Describe(storePath)}, and no file or folder by that name; give a log path, or a run from `runlens runs`");
                    return ExitCodes.BadInput;
                }

                runs.Add(stored);
            }
        }
        catch (RunImportException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (StoreException ex)
        {
            await Console.Error.WriteLineAsync($"runlens: {StoreOption.Resolve(storePath)}: cannot read the store: {ex.Message}");
            return ExitCodes.BadInput;
        }
        finally
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
        }

        if (runs.Count < 2)
        {
            await Console.Error.WriteLineAsync($"runlens: compare needs at least two runs; {(args.Length == 1 ? $"{args[0]} holds one" : "got one")}. Usage: runlens compare RUN RUN... (paths, or ids or names in the store)");
            return ExitCodes.Usage;
        }

        var comparison = ExperimentComparison.Of(runs, new ComparisonOptions(Target: target));

        var toTerminal = outFile is null && !Console.IsOutputRedirected;
        var color = toTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var renderer = ComparisonRenderers.For(format, color, toTerminal ? SafeWidth() : 160);
        if (outFile is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            renderer.Render(comparison, stdout);
            return ExitCodes.Ok;
        }

        try
        {
            await using var file = File.Create(outFile);
            renderer.Render(comparison, file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"runlens: {outFile}: cannot write the comparison: {ex.Message}");
            return ExitCodes.BadInput;
        }

        await Console.Error.WriteLineAsync($"runlens: wrote {outFile} ({runs.Count} runs compared)");
        return ExitCodes.Ok;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }
}
