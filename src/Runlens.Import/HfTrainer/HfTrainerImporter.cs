using System.Collections.Immutable;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>
/// Hugging Face Trainer runs: a <c>trainer_state.json</c>, a <c>checkpoint-N</c> folder holding one, or a Trainer output
/// folder (checkpoints, <c>*_results.json</c>, <c>config.json</c>, <c>adapter_config.json</c>, <c>training_args.json</c>).
/// Per-log values become series (bare names are training values: <c>loss</c> → <c>train/loss</c>, <c>eval_loss</c> →
/// <c>val/loss</c>); the closing summary entry and the results files go to <see cref="Run.Summary"/>. The config holds the
/// state's own settings (<c>max_steps</c>, <c>train_batch_size</c>…), the TrainingArguments saved as
/// <c>training_args.json</c> (<c>TrainingArguments.to_json_string()</c>; top-level keys, over the state's), the model's
/// <c>config.json</c> under <c>model.</c> and a PEFT <c>adapter_config.json</c> under <c>adapter.</c>, all flattened by
/// <see cref="ConfigFlattener"/> as every format's config is.
/// </summary>
internal sealed class HfTrainerImporter : IRunImporter
{
    private const long MaxSideFileBytes = 16 << 20;
    private const int SniffBytes = 4096;

    public string Format => "hf-trainer-state";

    public int Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            var name = Path.GetFileName(path);
            if (name.Equals(HfRunLayout.StateFileName, StringComparison.OrdinalIgnoreCase))
            {
                return 100;
            }

            return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && HeadContains(path, "\"log_history\""u8) ? 60 : 0;
        }

        if (!Directory.Exists(path))
        {
            return 0;
        }

        if (File.Exists(Path.Combine(path, HfRunLayout.StateFileName)))
        {
            return 90;
        }

        foreach (var dir in Directory.EnumerateDirectories(path, "checkpoint-*"))
        {
            if (File.Exists(Path.Combine(dir, HfRunLayout.StateFileName)))
            {
                return 90;
            }
        }

        return 0;
    }

    public async Task<ImportResult> ImportAsync(string path, ImportContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(context);
        var layout = HfRunLayout.Resolve(path);
        var state = await HfStateFileReader.ReadAsync(layout.StateFile, cancellationToken).ConfigureAwait(false);
        var stateBytes = FileLength(layout.StateFile);
        context.Report(layout.StateFile, stateBytes, stateBytes);

        var events = new List<RunEvent>(state.Events);
        var summary = new Dictionary<string, double>(state.Summary, StringComparer.Ordinal);
        summary.Remove("step");
        summary.Remove("epoch");
        var config = ImmutableSortedDictionary.CreateBuilder<string, ConfigValue>(StringComparer.Ordinal);
        AddStateConfig(config, state);
        var dataset = DatasetStats.Empty;

        foreach (var file in ResultFiles(layout.SideFolder))
        {
            var (values, damage) = await FlattenAsync(file, "", events, cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in values)
            {
                if (value.AsNumber() is { } number)
                {
                    summary[key] = number;
                    dataset = WithSamples(dataset, key, number);
                }
            }

            AddIf(events, damage);
        }

        foreach (var (fileName, prefix) in new[] { ("config.json", "model."), ("adapter_config.json", "adapter."), ("training_args.json", "") })
        {
            if (SideFile(layout, fileName) is not { } file)
            {
                continue;
            }

            var (values, damage) = await FlattenAsync(file, prefix, events, cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in values)
            {
                config[key] = value;
            }

            AddIf(events, damage);
        }

        var series = state.Series.Build();
        var trainer = BuildTrainerState(state, series);
        if (trainer.EarlyStopping is { Fired: true } es)
        {
            events.Add(new RunEvent(RunEventKind.EarlyStop,
                $"EarlyStoppingCallback stopped training: {es.PatienceCounter} evaluations without improvement (patience {es.Patience})",
                Step: trainer.GlobalStep, File: layout.StateFile));
        }

        var run = new Run
        {
            Identity = new RunIdentity(RunIds.FromPath(path), layout.Name, null, new RunSource(Format, path)),
            Config = new RunConfig(config.ToImmutable()),
            Series = series,
            Summary = summary.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Checkpoints = layout.Checkpoints,
            Trainer = trainer,
            Dataset = dataset,
            Status = StatusOf(state, trainer),
            Events = [.. events],
        };
        return ImportResult.Of(run);
    }

    private static TrainerState BuildTrainerState(HfTrainerStateFile state, ImmutableSortedDictionary<string, Series> series)
    {
        var bestStep = state.BestGlobalStep ?? HfRunLayout.StepOfCheckpointPath(state.BestModelCheckpoint);
        var (key, greaterIsBetter) = HfBestMetric.Infer(series, state.BestMetric, bestStep);
        return new TrainerState
        {
            GlobalStep = state.GlobalStep,
            Epoch = state.Epoch,
            MaxSteps = state.MaxSteps,
            NumTrainEpochs = state.NumTrainEpochs,
            LoggingSteps = state.LoggingSteps,
            EvalSteps = state.EvalSteps,
            SaveSteps = state.SaveSteps,
            TrainBatchSize = state.TrainBatchSize,
            BestMetric = state.BestMetric,
            BestStep = bestStep,
            BestCheckpoint = state.BestModelCheckpoint,
            BestMetricKey = key,
            GreaterIsBetter = greaterIsBetter,
            ShouldTrainingStop = state.ShouldTrainingStop,
            EarlyStopping = state.HasEarlyStoppingCallback || state.EarlyStoppingPatience is not null
                ? new EarlyStoppingState(state.EarlyStoppingPatience, state.EarlyStoppingThreshold, state.EarlyStoppingPatienceCounter)
                : null,
        };
    }

    private static RunStatus StatusOf(HfTrainerStateFile state, TrainerState trainer)
    {
        if (state.Events.Count > 0)
        {
            return RunStatus.Unknown;
        }

        var reachedMax = trainer.GlobalStep is { } g && trainer.MaxSteps is > 0 && g >= trainer.MaxSteps;
        return state.HasSummaryEntry || reachedMax || trainer.ShouldTrainingStop == true || trainer.EarlyStopping is { Fired: true }
            ? RunStatus.Finished
            : RunStatus.Unknown;
    }

    private static void AddStateConfig(ImmutableSortedDictionary<string, ConfigValue>.Builder config, HfTrainerStateFile state)
    {
        void Put(string key, double? value)
        {
            if (value is { } v)
            {
                config[key] = ConfigScalars.Number(v);
            }
        }

        Put("max_steps", state.MaxSteps);
        Put("num_train_epochs", state.NumTrainEpochs);
        Put("logging_steps", state.LoggingSteps);
        Put("eval_steps", state.EvalSteps);
        Put("save_steps", state.SaveSteps);
        Put("train_batch_size", state.TrainBatchSize);
        if (state.IsLocalProcessZero is { } zero)
        {
            config["is_local_process_zero"] = ConfigValue.Of(zero);
        }
    }

    private static DatasetStats WithSamples(DatasetStats dataset, string key, double number)
    {
        if (!double.IsFinite(number) || number < 0 || number > long.MaxValue / 2)
        {
            return dataset;
        }

        var n = (long)number;
        return key switch
        {
            "train_samples" => dataset with { TrainExamples = n },
            "eval_samples" => dataset with { EvalExamples = n },
            "predict_samples" or "test_samples" => dataset with { TestExamples = n },
            _ => dataset,
        };
    }

    private static IEnumerable<string> ResultFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*_results.json")
            .Where(f => Path.GetFileName(f) is "all_results.json" or "train_results.json" or "eval_results.json"
                or "predict_results.json" or "test_results.json")
            .OrderBy(f => Path.GetFileName(f) == "all_results.json" ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();

    /// <summary>The side file in the run's own folder, else in the newest checkpoint that has one.</summary>
    private static string? SideFile(HfRunLayout layout, string fileName)
    {
        var own = Path.Combine(layout.SideFolder, fileName);
        if (File.Exists(own))
        {
            return own;
        }

        for (var i = layout.Checkpoints.Length - 1; i >= 0; i--)
        {
            var candidate = Path.Combine(layout.Checkpoints[i].Path!, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<(Dictionary<string, ConfigValue> Values, RunEvent? Damage)> FlattenAsync(
        string file, string prefix, List<RunEvent> events, CancellationToken ct)
    {
        try
        {
            var length = new FileInfo(file).Length;
            if (length > MaxSideFileBytes)
            {
                events.Add(new RunEvent(RunEventKind.Warning,
                    $"{Path.GetFileName(file)} was not read: {length} bytes is more than a Trainer side file holds", File: file));
                return (new Dictionary<string, ConfigValue>(StringComparer.Ordinal), null);
            }

            var bytes = length < HfStateFileReader.ReadOnThreadBelowBytes ? File.ReadAllBytes(file) : await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false);
            return HfSideFile.Read(bytes, prefix, file);
        }
        catch (RunImportException ex)
        {
            return (new Dictionary<string, ConfigValue>(StringComparer.Ordinal), new RunEvent(RunEventKind.ImportDamage, $"{Path.GetFileName(file)} was not read: {ex.Cause}", File: file, Location: ex.Location));
        }
        catch (IOException ex)
        {
            return (new Dictionary<string, ConfigValue>(StringComparer.Ordinal), new RunEvent(RunEventKind.ImportDamage, $"{Path.GetFileName(file)} could not be read: {ex.Message}", File: file));
        }
    }

    private static long FileLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static bool HeadContains(string path, ReadOnlySpan<byte> needle)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[SniffBytes];
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return head[..n].IndexOf(needle) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void AddIf(List<RunEvent> events, RunEvent? e)
    {
        if (e is not null)
        {
            events.Add(e);
        }
    }
}
