using Runlens.Import;
using Runlens.Import.Output;
using Runlens.Model;

namespace Runlens.Pipeline.Sources;

/// <summary>
/// A training log on disk, read again whenever it changes: any format Runlens imports. Changes are seen from the sizes
/// and modification times of the files (one stat per file), so an unchanged log costs almost nothing. The log is read
/// as live (<see cref="ImportContext.Live"/>): a last line still being written and a truncated last TensorBoard
/// record are left for the next read.
/// </summary>
public sealed class PathRunSource : IRunSource
{
    private readonly IReadOnlyList<string>? _roots;
    private readonly DateTimeOffset _since;
    private string? _path;
    private (long Length, long Files, DateTime Newest) _seen = (-1, -1, default);
    private DateTimeOffset _lastSearch = DateTimeOffset.MinValue;

    /// <summary>Watches the log at <paramref name="path"/> (a file or folder).</summary>
    public PathRunSource(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _path = path;
        _since = DateTimeOffset.MinValue;
    }

    private PathRunSource(IReadOnlyList<string> roots, DateTimeOffset since)
    {
        _roots = roots;
        _since = since;
    }

    /// <summary>Waits for a trainer to write its log somewhere under <paramref name="roots"/> (see
    /// <see cref="TrainerLogs.Find"/>), then watches that log.</summary>
    public static PathRunSource Discover(IReadOnlyList<string> roots, DateTimeOffset since) => new(roots, since);

    /// <summary>The log being watched; null while none has been found.</summary>
    public string? Path => _path;

    public string Description => _path ?? "the trainer's log (not written yet)";

    public async Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            // Looking for the log walks folders: at most once a second.
            if (DateTimeOffset.UtcNow - _lastSearch < TimeSpan.FromSeconds(1))
            {
                return SourceRead.Unchanged;
            }

            _lastSearch = DateTimeOffset.UtcNow;
            _path = TrainerLogs.Find(_roots!, _since);
            if (_path is null)
            {
                return SourceRead.Unchanged;
            }
        }

        var now = Fingerprint(_path);
        if (now == _seen)
        {
            return SourceRead.Unchanged;
        }

        try
        {
            var result = await ImporterCatalog.ImportAsync(_path, new ImportContext { Live = true }, cancellationToken).ConfigureAwait(false);
            _seen = now;
            return result.Runs.IsEmpty ? new SourceRead(null, $"{_path}: no run in it yet") : SourceRead.Of(result.Runs[0]);
        }
        catch (RunImportException ex)
        {
            // A log being created or rewritten (trainer_state.json is rewritten whole) reads as damaged for a moment:
            // try again when it changes.
            _seen = now;
            return new SourceRead(null, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or InvalidDataException)
        {
            // Caught in the middle of a write in a way the importer did not expect: the next change is read again.
            _seen = now;
            return new SourceRead(null, $"{_path} could not be read this time ({ex.GetType().Name}: {ex.Message})");
        }
    }

    private static (long, long, DateTime) Fingerprint(string path)
    {
        if (File.Exists(path))
        {
            var f = new FileInfo(path);
            return (f.Length, 1, f.LastWriteTimeUtc);
        }

        long length = 0, files = 0;
        var newest = DateTime.MinValue;
        foreach (var f in TrainerLogs.FilesUnder(path))
        {
            length += f.Length;
            files++;
            newest = f.LastWriteTimeUtc > newest ? f.LastWriteTimeUtc : newest;
        }

        return (length, files, newest);
    }
}
