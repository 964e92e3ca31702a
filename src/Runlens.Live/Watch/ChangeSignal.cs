namespace Runlens.Live.Watch;

/// <summary>
/// Wakes the watcher when the watched file changes (the operating system's change notification: inotify on Linux,
/// through <see cref="FileSystemWatcher"/>), so a new point is looked at within milliseconds instead of at the next
/// poll. Where notification is not available (no watches left, a file system without it) <see cref="TryCreate"/> gives
/// null and the watcher polls.
/// </summary>
internal sealed class ChangeSignal : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly SemaphoreSlim _changed = new(0, 1);

    private ChangeSignal(FileSystemWatcher watcher)
    {
        _watcher = watcher;
        _watcher.Changed += (_, _) => Set();
        _watcher.Created += (_, _) => Set();
        _watcher.Renamed += (_, _) => Set();
        _watcher.Deleted += (_, _) => Set();
        _watcher.Error += (_, _) => Set(); // an overflow: look anyway
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Notification for a file, or for everything below a folder; null where the system cannot give it.</summary>
    public static ChangeSignal? TryCreate(string file)
    {
        try
        {
            var full = Path.GetFullPath(file);
            var isFolder = Directory.Exists(full);
            var folder = isFolder ? full : Path.GetDirectoryName(full);
            if (folder is null || !Directory.Exists(folder))
            {
                return null;
            }

            // a file: its folder, that name only; a run folder: everything below it
            var watcher = new FileSystemWatcher(folder, isFolder ? "*" : Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.CreationTime,
                IncludeSubdirectories = isFolder,
            };
            try
            {
                return new ChangeSignal(watcher);
            }
            catch
            {
                watcher.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException or UnauthorizedAccessException)
        {
            return null; // e.g. the inotify watch limit is reached: polling does the job, a little later
        }
    }

    /// <summary>Waits until the file changes or <paramref name="timeout"/> passes; true when it changed.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _watcher.Dispose();
        _changed.Dispose();
    }

    private void Set()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
