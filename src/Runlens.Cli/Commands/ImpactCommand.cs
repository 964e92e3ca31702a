using System.CommandLine;
using System.Globalization;
using Runlens.Analysis.Sweeps;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports.Impact;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens impact [--experiment X | RUNS...] [--store S] [--metric M] [--value best|final] [--format text|json|md] [--out FILE]</c>:
/// which hyperparameters matter across the runs of a sweep.</summary>
internal static class ImpactCommand
{
    public static Command Build()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders or log files (an mlruns/ tree holds many runs), or ids or names of runs in the store", Arity = ArgumentArity.ZeroOrMore };
        var experiment = new Option<string?>("--experiment") { Description = "Every run of this experiment in the store" };
        var store = StoreOption.Create();
        var metric = new Option<string?>("--metric") { Description = "The metric to judge the runs by, e.g. val/loss or eval_accuracy (default: the primary metric the diagnosis picks)" };
        var value = new Option<string>("--value") { Description = "Which value of the metric stands for a run: its best (in the metric's direction) or its final value", DefaultValueFactory = _ => "best" };
        value.AcceptOnlyFromAmong("best", "final");
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. ImpactRenderers.Formats]);
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of standard output" };
        var command = new Command("impact", "Over the runs of a sweep: which hyperparameters matter for the metric (Spearman correlation, random-forest importance) and how often each finding occurs per value of a parameter.")
        {
            runs, experiment, store, metric, value, format, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ImpactOptions
            {
                Metric = parse.GetValue(metric),
                Value = parse.GetValue(value) == "final" ? ImpactValue.Final : ImpactValue.Best,
            };
            return await RunAsync(parse.GetValue(runs) ?? [], parse.GetValue(experiment), parse.GetValue(store), options,
                parse.GetValue(format)!, parse.GetValue(output), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, string? experiment, string? storePath, ImpactOptions options, string format,
        string? outFile, CancellationToken ct)
    {
        if (paths.Length == 0 && experiment is null)
        {
            await Console.Error.WriteLineAsync("runlens: impact needs runs: --experiment NAME (runs in the store) or run paths or ids");
            return ExitCodes.Usage;
        }

        var loaded = new List<Run>();
        if (experiment is not null)
        {
            if (!StoreOption.Exists(storePath))
            {
                await Console.Error.WriteLineAsync($"runlens: no run store at {StoreOption.Resolve(storePath)}; add runs with `runlens import PATH`");
                return ExitCodes.BadInput;
            }

            await using var s = await StoreOption.OpenAsync(storePath, Storage.StoreAccess.OpenExisting, ct);
            var listed = await s.ListRunsAsync(new Storage.RunQuery(experiment, null, int.MaxValue), ct);
            if (listed.Count == 0)
            {
                var known = (await s.ListRunsAsync(new Storage.RunQuery(null, null, int.MaxValue), ct))
                    .Select(r => r.Experiment).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                await Console.Error.WriteLineAsync($"runlens: no runs of experiment '{experiment}' in the store; "
                    + (known.Count == 0 ? "the store holds no experiment" : "experiments: " + string.Join(", ", known)));
                return ExitCodes.BadInput;
            }

            // Oldest import first, so that the order (and the forest's splits) follows the sweep, not the last import.
            foreach (var r in listed.OrderBy(r => r.ImportedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
            {
                if (await s.GetRunAsync(r.Id, ct) is { } run)
                {
                    loaded.Add(run);
                }
            }
        }

        foreach (var path in paths)
        {
            try
            {
                if (!File.Exists(path) && !Directory.Exists(path) && await StoreOption.FindRunAsync(path, storePath, ct) is { } stored)
                {
                    loaded.Add(stored);
                }
                else
                {
                    loaded.AddRange((await ImportProgress.RunAsync(path, ct)).Runs);
                }
            }
            catch (RunImportException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.BadInput;
            }
        }

        // A run named twice (by path and by id) counts once.
        loaded = [.. loaded.DistinctBy(r => r.Identity.Id)];
        ImpactAnalysis analysis;
        try
        {
            analysis = ImpactAnalyzer.Analyze(loaded, options);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("runlens: --metric: " + ex.Message);
            return ExitCodes.BadInput;
        }

        var renderer = ImpactRenderers.For(format);
        if (outFile is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            renderer.Render(analysis, stdout);
            return ExitCodes.Ok;
        }

        try
        {
            await using var file = File.Create(outFile);
            renderer.Render(analysis, file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"runlens: {outFile}: cannot write the report: {ex.Message}");
            return ExitCodes.BadInput;
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"runlens: wrote {outFile} ({analysis.Runs} runs, {analysis.Parameters.Length} parameters)"));
        return ExitCodes.Ok;
    }
}
