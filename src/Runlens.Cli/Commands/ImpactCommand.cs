using System.CommandLine;
using System.Globalization;
using Runlens.Analysis.Sweeps;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
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
        var settings = new SettingsOptions();
        var command = new Command("impact", "Over the runs of a sweep: which hyperparameters matter for the metric (Spearman correlation, random-forest importance) and how often each finding occurs per value of a parameter.")
        {
            runs, experiment, store, metric, value, format, output,
        };
        settings.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            var options = new ImpactOptions
            {
                Metric = parse.GetValue(metric),
                Value = parse.GetValue(value) == "final" ? ImpactValue.Final : ImpactValue.Best,
            };
            return await RunAsync(parse.GetValue(runs) ?? [], parse.GetValue(experiment), parse.GetValue(store), options, loaded,
                parse.GetValue(format)!, parse.GetValue(output), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, string? experiment, string? storePath, ImpactOptions options, PipelineSettings settings,
        string format, string? outFile, CancellationToken ct)
    {
        if (paths.Length == 0 && experiment is null)
        {
            await Console.Error.WriteLineAsync("runlens: impact needs runs: --experiment NAME (runs in the store) or run paths or ids");
            return ExitCodes.Usage;
        }

        var loaded = new List<ResolvedRun>();
        await using (var resolver = new RunResolver(storePath, ImportProgress.RunAsync))
        {
            try
            {
                if (experiment is not null)
                {
                    if (await resolver.StoreAsync(ct) is not { } stored)
                    {
                        await Console.Error.WriteLineAsync($"runlens: no run store at {resolver.StoreName}; add runs with `runlens import PATH`");
                        return ExitCodes.BadInput;
                    }

                    var ids = await stored.ExperimentAsync(experiment, ct);
                    if (ids.Count == 0)
                    {
                        var known = await stored.ExperimentNamesAsync(ct);
                        await Console.Error.WriteLineAsync($"runlens: no runs of experiment '{experiment}' in the store; "
                            + (known.Count == 0 ? "the store holds no experiment" : "experiments: " + string.Join(", ", known)));
                        return ExitCodes.BadInput;
                    }

                    foreach (var id in ids)
                    {
                        if (await stored.ReadAsync(id, null, ct) is { } run)
                        {
                            loaded.Add(run);
                        }
                    }
                }

                foreach (var path in paths)
                {
                    loaded.AddRange(await resolver.ResolveAsync(path, null, ct));
                }
            }
            catch (RunImportException ex)
            {
                await Console.Error.WriteLineAsync("runlens: " + ex.Message);
                return ExitCodes.BadInput;
            }

            foreach (var problem in resolver.Problems)
            {
                await Console.Error.WriteLineAsync("runlens: " + problem);
            }
        }

        // A run named twice (by path and by id) counts once.
        loaded = [.. loaded.DistinctBy(r => r.Run.Identity.Id)];
        ImpactAnalysis analysis;
        try
        {
            analysis = ImpactAnalyzer.Analyze(new DiagnosisService(settings).DiagnoseAll(loaded), options);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("runlens: --metric: " + ex.Message);
            return ExitCodes.BadInput;
        }

        var renderer = ImpactRenderers.For(format);
        return await ReportOutput.WriteAsync(outFile, stream => renderer.Render(analysis, stream), "report",
            string.Create(CultureInfo.InvariantCulture, $"{analysis.Runs} runs, {analysis.Parameters.Length} parameters"));
    }
}
