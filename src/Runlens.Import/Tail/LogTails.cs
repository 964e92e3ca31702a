namespace Runlens.Import.Tail;

/// <summary>The logs that can be read incrementally, and the tail for each.</summary>
public static class LogTails
{
    /// <summary>The formats tailed so far; any other log is read whole on each change.</summary>
    public static IReadOnlyList<string> Formats { get; } =
    [
        Tabular.JsonlMetricsImporter.FormatId, Callback.CallbackJsonlImporter.FormatId, TensorBoard.TensorBoardImporter.FormatId,
        Tabular.LightningCsvImporter.FormatId, Tabular.KerasCsvImporter.FormatId, Tabular.CsvMetricsImporter.FormatId,
        Mlflow.MlflowImporter.FormatId, Wandb.WandbImporter.FormatId,
    ];

    /// <summary>A tail for the log at <paramref name="path"/> when its format can be read incrementally (a JSON Lines
    /// log, the callback's runlens.jsonl, a TensorBoard event file or a folder holding one TensorBoard run, a metric CSV,
    /// Keras' training.log, Lightning's metrics.csv or the version folder holding it, an MLflow run folder, a W&amp;B run folder
    /// holding a <c>.wandb</c> log or the log itself, an older W&amp;B client's run folder or its <c>wandb-history.jsonl</c>);
    /// null when it cannot (another format, a folder of several runs, not there yet): the caller reads it whole.</summary>
    public static ILogTail? TryOpen(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return null;
        }

        try
        {
            return ImporterCatalog.Detect(path) switch
            {
                TensorBoard.TensorBoardImporter when File.Exists(path) || TensorBoard.TensorBoardLayout.RunsIn(path).Count == 1 => new TensorBoardLogTail(path),
                Tabular.LightningCsvImporter when Directory.Exists(path) && File.Exists(System.IO.Path.Combine(path, Tabular.LightningCsvImporter.MetricsFileName)) =>
                    Lightning(path, System.IO.Path.Combine(path, Tabular.LightningCsvImporter.MetricsFileName), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path))),
                Mlflow.MlflowImporter when RunFolder(path) is { } run => new MlflowRunTail(run),
                Wandb.WandbImporter when WandbRun(path) is { LogFile: not null } run => new WandbLogTail(path, run),
                Wandb.WandbImporter when WandbRun(path) is { HistoryFile: not null } run => new LineLogTail(path, Tabular.JsonlMetricReader.MaxLineBytes, lines => new WandbHistoryRecords(lines, run), run.HistoryFile),
                _ when !File.Exists(path) => null,
                Tabular.LightningCsvImporter => Lightning(path, path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "."),
                Tabular.KerasCsvImporter => new CsvLogTail(path, path, Tabular.KerasCsvImporter.Options, table => Tabular.KerasCsvImporter.RunOf(path, path, table)),
                Tabular.CsvMetricsImporter => new CsvLogTail(path, path, Tabular.CsvMetricsImporter.Options, table => Tabular.CsvMetricsImporter.RunOf(path, table)),
                Tabular.JsonlMetricsImporter => new LineLogTail(path, Tabular.JsonlMetricReader.MaxLineBytes, lines => new JsonlRecords(lines)),
                Callback.CallbackJsonlImporter => new LineLogTail(path, Callback.CallbackJsonlImporter.MaxLineBytes, lines => new CallbackRecords(lines)),
                _ => null,
            };
        }
        catch (RunImportException)
        {
            return null;
        }
    }

    /// <summary>The MLflow run folder at <paramref name="path"/> (the folder, or its meta.yaml), or null for an
    /// experiment or a whole mlruns/ tree (several runs).</summary>
    private static string? RunFolder(string path)
    {
        var dir = File.Exists(path) ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) : path;
        return dir is not null && Mlflow.MlflowLayout.Resolve(dir) is { Kind: Mlflow.MlflowLayoutKind.Run } run ? run.Path : null;
    }

    /// <summary>The W&amp;B run at <paramref name="path"/> (its folder, its <c>.wandb</c> log, or an older client's
    /// <c>wandb-history.jsonl</c>, as the importer locates it), or null for anything else (a <c>wandb/</c> folder of runs).</summary>
    private static Wandb.WandbRunFolder? WandbRun(string path) =>
        File.Exists(path)
            ? Wandb.WandbRunFolder.IsLogFileName(path) ? Wandb.WandbRunFolder.FromLogFile(path)
            : System.IO.Path.GetFileName(path).Equals(Wandb.WandbRunFolder.HistoryName, StringComparison.OrdinalIgnoreCase)
                ? Wandb.WandbRunFolder.FromFolder(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".") : null
        : Wandb.WandbRunFolder.LooksLikeRunFolder(path) ? Wandb.WandbRunFolder.FromFolder(path) : null;

    private static CsvLogTail Lightning(string path, string metricsFile, string folder) =>
        new(path, metricsFile, Tabular.LightningCsvImporter.Options, table => Tabular.LightningCsvImporter.RunOf(folder, path, table));
}
