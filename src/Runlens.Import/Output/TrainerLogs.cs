namespace Runlens.Import.Output;

/// <summary>Finds the log a training process wrote: the newest trainer_state.json, metrics.csv, metrics.jsonl, Keras training.log or
/// TensorBoard event file written since the process started, under the given folders (four levels deep; caches,
/// virtual environments and version-control folders are skipped). A <c>runlens.jsonl</c> written by the Runlens callback
/// is preferred over all of those: it holds what they hold and more (events, status, sizes).</summary>
public static class TrainerLogs
{
    /// <summary>The file the Runlens callback writes (clients/python/runlens_callback.py).</summary>
    public const string CallbackLog = "runlens.jsonl";

    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".git", "node_modules", "__pycache__", ".venv", "venv", "bin", "obj", ".cache", "site-packages" };

    /// <returns>The path to import (a file, or a TensorBoard event file's folder), or null.</returns>
    public static string? Find(IEnumerable<string> roots, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(roots);
        FileInfo? newest = null;
        FileInfo? callback = null;
        foreach (var root in roots.Where(Directory.Exists).Distinct(StringComparer.Ordinal))
        {
            foreach (var file in Files(new DirectoryInfo(root), 0))
            {
                var name = file.Name;
                var recent = file.LastWriteTimeUtc >= since.UtcDateTime.AddSeconds(-1);
                if (name == CallbackLog && recent && (callback is null || file.LastWriteTimeUtc > callback.LastWriteTimeUtc))
                {
                    callback = file;
                }

                var known = name is "trainer_state.json" or "metrics.csv" or "metrics.jsonl" or "training.log" || name.StartsWith("events.out.tfevents.", StringComparison.Ordinal);
                if (known && recent && (newest is null || file.LastWriteTimeUtc > newest.LastWriteTimeUtc))
                {
                    newest = file;
                }
            }
        }

        if (callback is not null)
        {
            return callback.FullName;
        }

        return newest is null ? null : newest.Name.StartsWith("events.out.tfevents.", StringComparison.Ordinal) ? newest.DirectoryName : newest.FullName;
    }

    /// <summary>Every file under <paramref name="root"/>, four levels deep, skipping caches, virtual environments and
    /// version-control folders; unreadable folders are passed over.</summary>
    public static IEnumerable<FileInfo> FilesUnder(string root) =>
        Directory.Exists(root) ? Files(new DirectoryInfo(root), 0) : [];

    private static IEnumerable<FileInfo> Files(DirectoryInfo dir, int depth)
    {
        FileInfo[] files;
        DirectoryInfo[] subfolders;
        try
        {
            files = dir.GetFiles();
            subfolders = depth < 4 ? dir.GetDirectories() : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var f in files)
        {
            yield return f;
        }

        foreach (var sub in subfolders.Where(d => !Skipped.Contains(d.Name) && (d.Attributes & FileAttributes.ReparsePoint) == 0))
        {
            foreach (var f in Files(sub, depth + 1))
            {
                yield return f;
            }
        }
    }
}
