using System.Collections.Immutable;
using Runlens.Import.Core;

namespace Runlens.Import;

/// <summary>Every importer, and format detection over them.</summary>
public static class ImporterCatalog
{
    /// <summary>What Runlens reads, for hints.</summary>
    public const string Expected =
        "expected trainer_state.json, TensorBoard events.out.tfevents.*, an mlruns/ folder, Lightning or Keras CSV, "
        + "Keras History JSON, a W&B run folder, the Runlens callback's runlens.jsonl, LLaMA-Factory's trainer_log.jsonl, "
        + "or a CSV/JSONL metric log";

    /// <summary>All importers. Add a new format here.</summary>
    public static ImmutableArray<IRunImporter> All { get; } =
    [
        new HfTrainer.HfTrainerImporter(),
        new Wandb.WandbImporter(),
        new TensorBoard.TensorBoardImporter(),
        new Mlflow.MlflowImporter(),
        new Tabular.LightningCsvImporter(),
        new Tabular.KerasCsvImporter(),
        new Tabular.KerasHistoryImporter(),
        new Tabular.LlamaFactoryImporter(),
        new Tabular.CsvMetricsImporter(),
        new Callback.CallbackJsonlImporter(),
        new Tabular.JsonlMetricsImporter(),
    ];

    /// <summary>
    /// The importer for <paramref name="path"/>, or an error saying what was looked for. A file goes to the importer most
    /// sure of it. A folder that one importer is sure of as a whole (a run folder, a format's own tree) goes to that
    /// importer; any other folder is searched for every run in it (<see cref="FolderScan"/>), whatever their formats, and
    /// the importer returned reads them all and says what it left out.
    /// </summary>
    public static IRunImporter Detect(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        var (best, score) = FolderScan.Best(path, All);
        if (File.Exists(path) || score >= FolderScan.RunScore)
        {
            return best ?? throw new RunImportException(path, null, "not a training log Runlens recognises", Expected);
        }

        var plan = FolderScan.Plan(path, All);
        if (plan.Units.IsEmpty)
        {
            var why = plan.Skipped.FirstOrDefault(s => s.Path != path);
            return best ?? throw new RunImportException(path, null, "no training log Runlens recognises in this folder"
                + (why is null ? "" : $" ({Path.GetRelativePath(path, why.Path)}: {why.Reason})"), Expected);
        }

        var formats = plan.Units.Select(u => u.Importer).Distinct().ToList();
        var whole = formats.Count == 1 && ReferenceEquals(formats[0], best) && best is ITreeImporter ? best : null;
        return new FolderImporter(plan, whole);
    }

    public static IRunImporter? ByFormat(string format) =>
        All.FirstOrDefault(i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>Detects the format and reads every run at <paramref name="path"/>.</summary>
    public static Task<ImportResult> ImportAsync(string path, ImportContext? context = null, CancellationToken cancellationToken = default) =>
        Detect(path).ImportAsync(path, context ?? ImportContext.None, cancellationToken);
}
