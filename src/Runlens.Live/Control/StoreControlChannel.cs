using Runlens.Storage;

namespace Runlens.Live.Control;

/// <summary>
/// A run's control document kept in the run store, as a blob of the run (kind <c>control</c>), which
/// <c>GET /api/runs/{id}/control</c> serves: <c>runlens watch RUN-ID --store …</c> and the server's
/// <c>POST /api/runs/{id}/control</c> both append through it. Each action is stored together with its
/// <see cref="Model.RunEventKind.Control"/> event in one write.
/// </summary>
public sealed class StoreControlChannel(ILiveRunStore store, string runId) : IControlChannel
{
    public const string BlobKind = "control";

    // Appends read, then write the document: one at a time in this process (the store serialises writers of one run).
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The run's control document; one without actions when none was issued.</summary>
    public static async Task<ControlDocument> ReadAsync(ILiveRunStore store, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bytes = await store.GetBlobAsync(runId, BlobKind, ControlDocument.FileName, cancellationToken).ConfigureAwait(false);
        return bytes is null ? ControlDocument.Empty(runId) : ControlDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Appends <paramref name="action"/> with the next id and the time now; returns the document as stored.</summary>
    public async Task<ControlDocument> AppendAsync(ControlAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var doc = await ReadAsync(store, runId, cancellationToken).ConfigureAwait(false);
            var issued = action with { Id = doc.NextId(), IssuedAt = DateTimeOffset.UtcNow };
            doc = doc.With(issued);
            await store.ApplyAsync(runId, new RunChanges
            {
                Blobs = [new RunBlob(BlobKind, ControlDocument.FileName, System.Text.Encoding.UTF8.GetBytes(doc.ToJson()))],
                Events = [ControlEvents.Of(issued)],
            }, cancellationToken).ConfigureAwait(false);
            return doc;
        }
        finally
        {
            Gate.Release();
        }
    }

    public async Task<ControlAction> IssueAsync(ControlAction action, CancellationToken cancellationToken) =>
        (await AppendAsync(action, cancellationToken).ConfigureAwait(false)).Actions[^1];
}
