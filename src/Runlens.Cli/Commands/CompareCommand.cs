using System.CommandLine;
using Runlens.Analysis.Comparison;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
using Runlens.Reports;

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
        var settings = new SettingsOptions();

        var command = new Command("compare", "Compare runs: the best one and its margin (against the seed spread), the config that differs, curves, stability, findings only one run has, and what to change.")
        {
            runs, format, output, target, store,
        };
        settings.AddTo(command);
        command.SetAction(async (parse, ct) => settings.LoadOrReport(parse) is { } loaded
            ? await RunAsync(parse.GetValue(runs) ?? [], parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(target), parse.GetValue(store), loaded, ct)
            : ExitCodes.Usage);
        return command;
    }

    private static async Task<int> RunAsync(string[] args, string format, string? outFile, double? target, string? storePath, PipelineSettings settings, CancellationToken ct)
    {
        if (target is { } t && !double.IsFinite(t))
        {
            await Console.Error.WriteLineAsync("runlens: --target must be a finite number");
            return ExitCodes.Usage;
        }

        // Each run with its uploaded predictions (a stored run) or its process and control events (a `runlens run` folder).
        var runs = new List<ResolvedRun>();
        await using (var resolver = new RunResolver(storePath, ImportProgress.RunAsync))
        {
            try
            {
                foreach (var arg in args)
                {
                    var found = await resolver.ResolveAsync(arg, null, ct);
                    if (found.Count == 0)
                    {
                        await Console.Error.WriteLineAsync($"runlens: {arg}: no run found. Point at a run folder or a log file.");
                        return ExitCodes.BadInput;
                    }

                    runs.AddRange(found);
                }
            }
            catch (RunImportException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception ex) when (IsStoreError(ex))
            {
                await Console.Error.WriteLineAsync($"runlens: {resolver.StoreName}: cannot read the store: {ex.Message}");
                return ExitCodes.BadInput;
            }

            foreach (var problem in resolver.Problems)
            {
                await Console.Error.WriteLineAsync("runlens: " + problem);
            }
        }

        if (runs.Count < 2)
        {
            await Console.Error.WriteLineAsync($"runlens: compare needs at least two runs; {(args.Length == 1 ? $"{args[0]} holds one" : "got one")}. Usage: runlens compare RUN RUN... (paths, or ids or names in the store)");
            return ExitCodes.Usage;
        }

        var comparison = ExperimentComparison.Of(new DiagnosisService(settings).DiagnoseAll(runs), new ComparisonOptions(Target: target));
        var renderer = ComparisonRenderers.For(format, ReportOutput.Color(outFile), ReportOutput.Width(outFile));
        return await ReportOutput.WriteAsync(outFile, stream => renderer.Render(comparison, stream), "comparison", $"{runs.Count} runs compared");
    }

    /// <summary>The store's exception type named in a method of its own, run only when something was thrown: comparing logs
    /// does not load the storage assembly.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsStoreError(Exception ex) => ex is Storage.StoreException;
}
