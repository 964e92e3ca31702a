using Runlens.Pipeline.Resolution;

namespace Runlens.Pipeline.Sources;

/// <summary>A run in a store (SQLite or PostgreSQL) that something else is writing, e.g. <c>runlens serve</c>: read
/// again, with its uploaded predictions, when its version changes (points, status, end time, config, uploads).</summary>
public sealed class StoreRunSource(StoredRuns runs, string idOrName) : IRunSource
{
    private string? _seen;
    private string? _id;

    public string Description => $"run {idOrName} in the store";

    public async Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
    {
        if (_id is null)
        {
            var lookup = await runs.LookupAsync(idOrName, cancellationToken).ConfigureAwait(false);
            if (lookup.Id is null)
            {
                return new SourceRead(null, lookup.Named.Count > 1 ? lookup.Cause(idOrName) + " in the store; pass the run id" : $"no run '{idOrName}' in the store (yet)");
            }

            _id = lookup.Id;
        }

        var state = await runs.StateAsync(_id, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return new SourceRead(null, $"run {_id} is no longer in the store");
        }

        var now = state.Version("").Key;
        if (now == _seen)
        {
            return SourceRead.Unchanged;
        }

        ResolvedRun? run;
        try
        {
            run = await runs.ReadAsync(state, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Import.RunImportException ex)
        {
            _seen = now; // an upload that cannot be read: said once, read again when the run changes
            return new SourceRead(null, ex.Message);
        }

        _seen = now;
        return run is null ? new SourceRead(null, $"run {_id} is no longer in the store") : new SourceRead(run);
    }
}
