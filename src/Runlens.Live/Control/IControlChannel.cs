namespace Runlens.Live.Control;

/// <summary>Where control actions go so the trainer sees them: a <c>control.json</c> file beside the run, or a
/// Runlens server's <c>/api/runs/{id}/control</c>.</summary>
public interface IControlChannel
{
    /// <summary>Publishes <paramref name="action"/> (its <see cref="ControlAction.Id"/> is assigned here) and returns it
    /// as published.</summary>
    Task<ControlAction> IssueAsync(ControlAction action, CancellationToken cancellationToken);
}

/// <summary>A <c>control.json</c> file (<see cref="ControlDocument"/>), rewritten atomically with each new action. Actions
/// already in the file (from an earlier watcher) are kept and numbered after.</summary>
public sealed class FileControlChannel : IControlChannel
{
    private readonly string _path;
    private readonly string _run;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FileControlChannel(string path, string run)
    {
        _path = path ?? throw new ArgumentNullException(nameof(path));
        _run = run ?? "";
    }

    public string Path => _path;

    public async Task<ControlAction> IssueAsync(ControlAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var doc = ControlDocument.Empty(_run);
            if (File.Exists(_path))
            {
                try
                {
                    doc = ControlDocument.Parse(await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false));
                }
                catch (FormatException ex)
                {
                    throw new IOException($"{_path} is not a control document ({ex.Message}); move it away so Runlens can write its actions there", ex);
                }
            }

            var issued = action with { Id = doc.NextId() };
            doc.With(issued).WriteTo(_path);
            return issued;
        }
        finally
        {
            _gate.Release();
        }
    }
}
