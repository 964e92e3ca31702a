using Runlens.Storage;

namespace Runlens.Live.Watch;

/// <summary>A run in a store (SQLite or PostgreSQL) that something else is writing, e.g. <c>runlens serve</c>: read
/// again when its point count, status or end time change.</summary>
public sealed class StoreRunSource(IRunlensStore store, string idOrName) : IRunSource
{
    private (long Points, Model.RunStatus Status, DateTimeOffset? End) _seen = (-1, default, null);
    private string? _id;

    public string Description => $"run {idOrName} in the store";

    public async Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
    {
        if (_id is null)
        {
            var first = await store.GetRunAsync(idOrName, cancellationToken).ConfigureAwait(false);
            if (first is null)
            {
                return new SourceRead(null, $"no run '{idOrName}' in the store (yet)");
            }

            _id = first.Identity.Id;
        }

        var record = await store.GetRecordAsync(_id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return new SourceRead(null, $"run {_id} is no longer in the store");
        }

        var series = await store.ListSeriesAsync(_id, cancellationToken).ConfigureAwait(false);
        var now = (series.Sum(s => s.Count), record.Status, record.EndTime);
        if (now == _seen)
        {
            return SourceRead.Unchanged;
        }

        var run = await store.GetRunAsync(_id, cancellationToken).ConfigureAwait(false);
        _seen = now;
        return run is null ? new SourceRead(null, $"run {_id} is no longer in the store") : new SourceRead(run);
    }
}
