using System.CommandLine;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Predictions;
using Runlens.Pipeline.Resolution;
using Runlens.Pipeline.Settings;
using Runlens.Reports;
using Runlens.Reports.Terminal;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens analyze PATH [--format text|json|md] [--out FILE] [--run NAME|ID] [--set rule.option=value] [--config FILE]</c>:
/// the pipeline resolves PATH (a log, a <c>runlens run</c> folder, or a stored run with its uploads), diagnoses it with the
/// loaded rule options, and the chosen renderer writes the report.</summary>
internal static class AnalyzeCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("path") { Description = "A run folder or log file (trainer_state.json, TensorBoard events, mlruns/, metrics.csv, a folder `runlens run` wrote, ...), or the id or name of a run in the store" };
        var store = StoreOption.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. Renderers.Formats]);
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of standard output" };
        var runName = new Option<string?>("--run") { Description = "When PATH holds several runs: analyse only the run with this name or id" };
        var settings = new SettingsOptions();
        var predictions = new Option<string?>("--predictions") { Description = "Validation predictions of the run (CSV/JSONL: example_id, label, predicted, prob_<class>...) for the data and label rules" };
        var trainingPredictions = new Option<string?>("--training-predictions") { Description = "Training-set predictions too (group memorisation compares them with validation)" };
        var sliceOptions = new SliceOptions();
        var dataDir = new Option<string?>("--data-dir") { Description = "Audit the run's dataset too (as runlens audit PATH) and add its findings to the diagnosis" };

        var command = new Command("analyze", "Diagnose a training run: findings with evidence and recommended config changes.")
        {
            path, format, output, runName, dataDir,
        };
        settings.AddTo(command);
        command.Options.Add(predictions);
        command.Options.Add(trainingPredictions);
        command.Options.Add(store);
        sliceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (slices, error) = sliceOptions.Parse(parse);
            if (slices is null)
            {
                await Console.Error.WriteLineAsync("runlens: " + error);
                return ExitCodes.Usage;
            }

            if (settings.LoadOrReport(parse) is not { } loaded)
            {
                return ExitCodes.Usage;
            }

            return await RunAsync(
                parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(runName), loaded,
                (parse.GetValue(predictions), parse.GetValue(trainingPredictions), slices), parse.GetValue(store), parse.GetValue(dataDir), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string format, string? outFile, string? runName, PipelineSettings settings,
        (string? Validation, string? Training, SliceSpec Slices) predictionFiles, string? storePath, string? dataDir, CancellationToken ct)
    {
        IReadOnlyList<ResolvedRun> resolved;
        await using (var resolver = new RunResolver(storePath, ImportProgress.RunAsync))
        {
            try
            {
                resolved = await resolver.ResolveAsync(path, predictionFiles.Slices, ct);
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

        var runs = resolved;
        if (runName is not null)
        {
            runs = [.. runs.Where(r => r.Run.Identity.Name == runName || r.Run.Identity.Id == runName)];
            if (runs.Count == 0)
            {
                await Console.Error.WriteLineAsync($"runlens: {path}: no run named '{runName}'; runs: {string.Join(", ", resolved.Select(r => r.Run.Identity.Name))}");
                return ExitCodes.BadInput;
            }
        }

        if (runs.Count == 0)
        {
            await Console.Error.WriteLineAsync($"runlens: {path}: no run found. Point at a run folder or a log file.");
            return ExitCodes.BadInput;
        }

        PredictionContext? validation;
        PredictionContext? training;
        try
        {
            validation = predictionFiles.Validation is { } v ? await PredictionInputs.ReadFileAsync(v, predictionFiles.Slices, "validation", ct) : null;
            training = predictionFiles.Training is { } t ? await PredictionInputs.ReadFileAsync(t, predictionFiles.Slices, "training", ct) : null;
        }
        catch (RunImportException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"runlens: {predictionFiles.Validation}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        if ((validation is not null || runs.Any(r => r.Validation is not null)) && runs.Count > 1)
        {
            await Console.Error.WriteLineAsync($"runlens: {path} holds {runs.Count} runs; pick the one the predictions belong to with --run");
            return ExitCodes.Usage;
        }

        // Files given for a role replace what was uploaded for it.
        runs = [.. runs.Select(r => r with { Validation = validation ?? r.Validation, Training = training ?? r.Training })];
        IReadOnlyList<Analysis.Diagnoses.Diagnosis> diagnoses = new DiagnosisService(settings).DiagnoseAll(runs);
        if (dataDir is not null)
        {
            var audited = await DiagnosisService.TryWithDataAuditAsync(diagnoses, dataDir, ct);
            if (audited.Diagnoses is null)
            {
                await Console.Error.WriteLineAsync("runlens: --data-dir " + audited.Error);
                return ExitCodes.BadInput;
            }

            diagnoses = audited.Diagnoses;
        }

        var renderer = format == "text"
            ? new DiagnosisTerminalRenderer(ReportOutput.Color(outFile), ReportOutput.Width(outFile))
            : Renderers.For(format);
        var findings = 0;
        foreach (var d in diagnoses)
        {
            findings += d.Findings.Length;
        }

        return await ReportOutput.WriteAsync(outFile, stream => renderer.Render(diagnoses, stream), "report",
            $"{diagnoses.Count} run{(diagnoses.Count == 1 ? "" : "s")}, {findings} findings");
    }
}
