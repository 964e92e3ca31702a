using System.CommandLine;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Rules;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Reports;
using Runlens.Reports.Terminal;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens analyze PATH [--format text|json|md] [--out FILE] [--run NAME|ID] [--set rule.option=value] [--config FILE]</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("path") { Description = "A run folder or log file (trainer_state.json, TensorBoard events, mlruns/, metrics.csv, ...), or the id or name of a run in the store" };
        var store = StoreOption.Create();
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong([.. Renderers.Formats]);
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to this file instead of standard output" };
        var runName = new Option<string?>("--run") { Description = "When PATH holds several runs: analyse only the run with this name or id" };
        var set = new Option<string[]>("--set") { Description = "Override a rule option, e.g. --set overfitting.min_rise=0.1 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var predictions = new Option<string?>("--predictions") { Description = "Validation predictions of the run (CSV/JSONL: example_id, label, predicted, prob_<class>...) for the data and label rules" };
        var trainingPredictions = new Option<string?>("--training-predictions") { Description = "Training-set predictions too (group memorisation compares them with validation)" };
        var sliceOptions = new SliceOptions();
        var config = new Option<string?>("--config") { Description = $"Rule options file (default: ./{RuleSettingsFile.DefaultName} when present); --set wins over it" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Audit the run's dataset too (as runlens audit PATH) and add its findings to the diagnosis" };

        var command = new Command("analyze", "Diagnose a training run: findings with evidence and recommended config changes.")
        {
            path, format, output, runName, set, config, predictions, trainingPredictions, store, dataDir,
        };
        sliceOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var (slices, error) = sliceOptions.Parse(parse);
            if (slices is null)
            {
                await Console.Error.WriteLineAsync("runlens: " + error);
                return ExitCodes.Usage;
            }

            return await RunAsync(
                parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(runName),
                parse.GetValue(set) ?? [], parse.GetValue(config), (parse.GetValue(predictions), parse.GetValue(trainingPredictions), slices),
                parse.GetValue(store), ct, parse.GetValue(dataDir));
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string format, string? outFile, string? runName, string[] set, string? configFile,
        (string? Validation, string? Training, SliceSpec Slices) predictionFiles, string? storePath, CancellationToken ct, string? dataDir = null)
    {
        RuleSettings settings;
        try
        {
            if (configFile is not null && !File.Exists(configFile))
            {
                throw new FormatException($"{configFile}: no such options file");
            }

            var file = configFile ?? (File.Exists(RuleSettingsFile.DefaultName) ? RuleSettingsFile.DefaultName : null);
            var fromFile = file is null ? [] : RuleSettingsFile.Read(file);
            settings = RuleSettings.Parse([.. fromFile, .. set.Select(a => ("--set", a))], RuleCatalog.All);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.Usage;
        }

        ImportResult imported;
        RunWithPredictions? stored = null;
        try
        {
            // Not a file or folder: a run in the store, by id or name, with the predictions uploaded for it.
            stored = !File.Exists(path) && !Directory.Exists(path) ? await StoreOption.FindRunWithPredictionsAsync(path, storePath, ct) : null;
            imported = stored is not null ? ImportResult.Of(stored.Run) : await ImportProgress.RunAsync(path, ct);
        }
        catch (RunImportException ex)
        {
            await Console.Error.WriteLineAsync("runlens: " + ex.Message);
            return ExitCodes.BadInput;
        }

        var runs = imported.Runs;
        if (runName is not null)
        {
            runs = [.. runs.Where(r => r.Identity.Name == runName || r.Identity.Id == runName)];
            if (runs.IsEmpty)
            {
                await Console.Error.WriteLineAsync($"runlens: {path}: no run named '{runName}'; runs: {string.Join(", ", imported.Runs.Select(r => r.Identity.Name))}");
                return ExitCodes.BadInput;
            }
        }

        if (runs.IsEmpty)
        {
            await Console.Error.WriteLineAsync($"runlens: {path}: no run found. Point at a run folder or a log file.");
            return ExitCodes.BadInput;
        }

        PredictionContext? validation = null;
        PredictionContext? training = null;
        try
        {
            validation = predictionFiles.Validation is { } v ? await ReadPredictionsAsync(v, predictionFiles.Slices, "validation", ct) : null;
            training = predictionFiles.Training is { } t ? await ReadPredictionsAsync(t, predictionFiles.Slices, "training", ct) : null;
            // A stored run's uploaded predictions, unless files were given for that role.
            validation ??= stored?.Validation is { } sv ? ToContext(sv, predictionFiles.Slices, "validation") : null;
            training ??= stored?.Training is { } st ? ToContext(st, predictionFiles.Slices, "training") : null;
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

        if (validation is not null && runs.Length > 1)
        {
            await Console.Error.WriteLineAsync($"runlens: {path} holds {runs.Length} runs; pick the one the predictions belong to with --run");
            return ExitCodes.Usage;
        }

        var diagnoser = new Diagnoser(settings);
        var diagnoses = runs.Select(r => diagnoser.Diagnose(r, validation, training)).ToList();
        if (dataDir is not null)
        {
            // the data audit's findings join the run's (the pipeline layer will own this once analyze moves onto it)
            try
            {
                var audit = await Runlens.Audit.AuditRunner.RunAsync(dataDir, new Runlens.Audit.AuditOptions(), null, ct);
                diagnoses = [.. diagnoses.Select(d => Runlens.Audit.AuditFindings.Merge(d, audit))];
            }
            catch (Runlens.Audit.AuditInputException ex)
            {
                await Console.Error.WriteLineAsync("runlens: --data-dir " + ex.Message);
                return ExitCodes.BadInput;
            }
        }

        var toTerminal = outFile is null && !Console.IsOutputRedirected;
        var color = toTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var renderer = format == "text"
            ? new DiagnosisTerminalRenderer(color, toTerminal ? SafeWidth() : 160)
            : Renderers.For(format);

        if (outFile is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            renderer.Render(diagnoses, stdout);
        }
        else
        {
            try
            {
                await using var file = File.Create(outFile);
                renderer.Render(diagnoses, file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"runlens: {outFile}: cannot write the report: {ex.Message}");
                return ExitCodes.BadInput;
            }

            await Console.Error.WriteLineAsync($"runlens: wrote {outFile} ({diagnoses.Count} run{(diagnoses.Count == 1 ? "" : "s")}, {diagnoses.Sum(d => d.Findings.Length)} findings)");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Reads a predictions file (per-example or token classification) into the context the rules read.</summary>
    internal static async Task<PredictionContext> ReadPredictionsAsync(string file, SliceSpec slices, string role, CancellationToken ct) =>
        ToContext(await PredictionsReader.ReadAsync(file, ct), slices, role);

    private static PredictionContext ToContext(PredictionsFile read, SliceSpec slices, string role) =>
        read.Tokens is { } tokens ? PredictionContext.Of(tokens, slices, role) : PredictionContext.Of(read.Classification!, slices, role);

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
