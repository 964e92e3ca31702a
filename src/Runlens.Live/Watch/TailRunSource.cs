using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Model;
using Runlens.Pipeline.Sources;

namespace Runlens.Live.Watch;

/// <summary>
/// A training log read incrementally (<see cref="ILogTail"/>): <see cref="ReadNew"/> parses only what was appended since
/// the last look, and <see cref="Snapshot"/> gives the run read so far for a full diagnosis. As an
/// <see cref="IRunSource"/> it reads on and returns the whole run when it grew.
/// </summary>
public sealed class TailRunSource : IRunSource, IDisposable
{
    private readonly ILogTail _tail;
    private bool _pending = true;

    public TailRunSource(ILogTail tail)
    {
        _tail = tail ?? throw new ArgumentNullException(nameof(tail));
    }

    public string Description => _tail.Path;

    /// <summary>What the log gained since the last look; null with <paramref name="problem"/> when it cannot be read now.</summary>
    public TailRead? ReadNew(out string? problem, CancellationToken cancellationToken = default)
    {
        try
        {
            var read = _tail.Read(cancellationToken);
            _pending |= read.NewPoints > 0 || read.Restarted is not null || read.RunChanged;
            problem = null;
            return read;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"{_tail.Path} could not be read this time ({ex.Message})";
            return null;
        }
    }

    /// <summary>The run read so far (<paramref name="series"/> chooses series by key), or why there is none yet.</summary>
    public SourceRead Snapshot(Func<string, bool>? series = null)
    {
        try
        {
            var run = _tail.Snapshot(series);
            if (series is null)
            {
                _pending = false;
            }

            return SourceRead.Of(run);
        }
        catch (RunImportException ex)
        {
            return new SourceRead(null, ex.Message);
        }
    }

    /// <summary>Reads on; the whole run when it changed since the last whole run given.</summary>
    public Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
    {
        if (ReadNew(out var problem, cancellationToken) is null)
        {
            return Task.FromResult(new SourceRead(null, problem));
        }

        return Task.FromResult(_pending ? Snapshot() : SourceRead.Unchanged);
    }

    public void Dispose() => _tail.Dispose();
}
