using Runlens.Pipeline.Diagnosing;
using Runlens.Storage;

namespace Runlens.Pipeline.Resolution;

/// <summary>A stored run's cheap facts, read without its points: its record, point count and uploaded predictions.</summary>
/// <param name="Uploads">The uploads by role (<c>validation</c>, <c>training</c>), as <see cref="StoredPredictions.FindAsync"/>
/// returns them.</param>
/// <param name="Revision">The store's change number of the run (<see cref="ILiveRunStore.GetRevisionAsync"/>): what tells
/// every server sharing a store that an event, a name or a tag changed.</param>
public sealed record StoredRunState(RunRecord Record, long Points, IReadOnlyDictionary<string, (string Name, string Source, byte[] Bytes)> Uploads, long? Revision = null)
{
    /// <summary>The run's version under these rule options.</summary>
    public RunVersion Version(string settingsHash) => new(
        Points, Record.Status, Record.EndTime, RunVersion.HashOf(Record.Params),
        Uploads.TryGetValue("validation", out var v) ? RunVersion.HashOf(v.Bytes) : null,
        Uploads.TryGetValue("training", out var t) ? RunVersion.HashOf(t.Bytes) : null,
        settingsHash, CatalogueVersion.Current, Revision);
}
