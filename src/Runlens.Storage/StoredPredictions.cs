namespace Runlens.Storage;

/// <summary>
/// Where a run's uploaded predictions live in the store: a run blob of kind <see cref="Kind"/> named
/// <c>ROLE.FORMAT</c> (<c>validation.jsonl</c>, <c>training.csv</c>, …), as the server's predictions upload writes them.
/// Every host that diagnoses a stored run reads them from here, so the web UI, <c>runlens analyze RUN-ID</c> and the MCP
/// server's <c>diagnose_run</c> see the same predictions.
/// </summary>
public static class StoredPredictions
{
    public const string Kind = "predictions";

    /// <summary>The roles a run's predictions can have.</summary>
    public static readonly string[] Roles = ["validation", "training"];

    /// <summary>The formats an upload can have, in the order they are looked for.</summary>
    public static readonly string[] Formats = ["jsonl", "csv"];

    /// <summary>The blob to store an upload of this role and format as.</summary>
    public static RunBlob Blob(string role, string format, byte[] bytes) => new(Kind, role + "." + format, bytes);

    /// <summary>The run's uploaded predictions of one role (its JSONL upload before its CSV one), or null.</summary>
    /// <returns>The blob's name (e.g. <c>validation.jsonl</c>), how errors and reports name the upload
    /// (<c>run ID: uploaded validation.jsonl</c>), and its contents.</returns>
    public static async Task<(string Name, string Source, byte[] Bytes)?> FindAsync(ILiveRunStore store, string runId, string role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is IRunAttachments attachments)
        {
            return await attachments.GetPredictionsAsync(runId, role, cancellationToken).ConfigureAwait(false) is { } upload
                ? (upload.Name, upload.Source, upload.Bytes)
                : null;
        }

        foreach (var format in Formats)
        {
            var name = role + "." + format;
            if (await store.GetBlobAsync(runId, Kind, name, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                return (name, $"run {runId}: uploaded {name}", bytes);
            }
        }

        return null;
    }
}
