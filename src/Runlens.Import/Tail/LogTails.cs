namespace Runlens.Import.Tail;

/// <summary>The logs that can be read incrementally, and the tail for each.</summary>
public static class LogTails
{
    /// <summary>The formats tailed so far; any other log is read whole on each change.</summary>
    public static IReadOnlyList<string> Formats { get; } = [Tabular.JsonlMetricsImporter.FormatId, Callback.CallbackJsonlImporter.FormatId];

    /// <summary>A tail for the log at <paramref name="path"/> when its format can be read incrementally; null when it
    /// cannot (another format, a folder, not there yet): the caller reads it whole.</summary>
    public static ILogTail? TryOpen(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ImporterCatalog.Detect(path) switch
            {
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
}
