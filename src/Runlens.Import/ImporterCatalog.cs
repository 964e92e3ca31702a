using System.Collections.Immutable;

namespace Runlens.Import;

/// <summary>Every importer, and format detection over them.</summary>
public static class ImporterCatalog
{
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
        new Tabular.CsvMetricsImporter(),
        new Callback.CallbackJsonlImporter(),
        new Tabular.JsonlMetricsImporter(),
    ];

    /// <summary>The importer most confident about <paramref name="path"/>, or an error saying what was looked for.</summary>
    public static IRunImporter Detect(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new RunImportException(path, null, "no such file or folder", "check the path");
        }

        IRunImporter? best = null;
        var bestScore = 0;
        foreach (var importer in All)
        {
            int score;
            try
            {
                score = importer.Detect(path);
            }
            catch (IOException)
            {
                score = 0;
            }
            catch (UnauthorizedAccessException)
            {
                score = 0;
            }

            if (score > bestScore)
            {
                best = importer;
                bestScore = score;
            }
        }

        return best ?? throw new RunImportException(path, null, "not a training log Runlens recognises",
            "expected trainer_state.json, TensorBoard events.out.tfevents.*, an mlruns/ folder, Lightning or Keras CSV, "
            + "Keras History JSON, a W&B run folder, the Runlens callback's runlens.jsonl, or a CSV/JSONL metric log");
    }

    public static IRunImporter? ByFormat(string format) =>
        All.FirstOrDefault(i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase));

    /// <summary>Detects the format and reads every run at <paramref name="path"/>.</summary>
    public static Task<ImportResult> ImportAsync(string path, ImportContext? context = null, CancellationToken cancellationToken = default) =>
        Detect(path).ImportAsync(path, context ?? ImportContext.None, cancellationToken);
}
