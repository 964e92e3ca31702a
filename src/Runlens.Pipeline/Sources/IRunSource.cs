using Runlens.Model;

namespace Runlens.Pipeline.Sources;

/// <summary>Where a watched run comes from: a log folder or file, a store, a server.</summary>
public interface IRunSource
{
    /// <summary>What is watched, for messages (<c>out/trainer_state.json</c>, <c>run 3f2a… on http://…</c>).</summary>
    string Description { get; }

    /// <summary>Reads the run when it changed since the last read. Cheap when nothing changed (sizes and times, or a
    /// point count). Never throws for a log that is half-written or not there yet: that is <see cref="SourceRead.Problem"/>.</summary>
    Task<SourceRead> ReadAsync(CancellationToken cancellationToken);
}
