using Runlens.Model;
using Runlens.Pipeline.Resolution;

namespace Runlens.Pipeline.Sources;

/// <summary>One read of a source.</summary>
/// <param name="Resolved">The run as it is now, with its predictions when the source has them (a stored run's
/// uploads); null when nothing changed or it could not be read.</param>
/// <param name="Problem">Why it could not be read this time (the log is not there yet, it is being rewritten); the
/// watcher tries again.</param>
public readonly record struct SourceRead(ResolvedRun? Resolved, string? Problem = null)
{
    public static SourceRead Unchanged => default;

    /// <summary>The run as it is now, or null.</summary>
    public Run? Run => Resolved?.Run;

    public static SourceRead Of(Run run) => new(new ResolvedRun(run));
}
