using System.Collections.Immutable;
using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>What one look at a tailed log found.</summary>
/// <param name="NewPoints">Points read in this look (after a restart, all the points read again).</param>
/// <param name="Points">Points read so far.</param>
/// <param name="LastStep">The largest last step of any series so far (as <see cref="Run.LastStep"/>); null before the
/// first point.</param>
/// <param name="NonFinite">NaN and ±Inf values among the new points, by original name (at most
/// <see cref="MaxNonFinite"/>): the first thing a watcher checks.</param>
/// <param name="Restarted">Why the log was read again from the start (truncated, replaced); null when it grew.</param>
public sealed record TailRead(long NewPoints, long Points, long? LastStep, ImmutableArray<(string Name, SeriesPoint Point)> NonFinite, string? Restarted)
{
    public const int MaxNonFinite = 1000;

    /// <summary>The look read something that changes the run without adding points (a W&amp;B exit, summary or config
    /// record): the run should be diagnosed again even though <see cref="NewPoints"/> is 0.</summary>
    public bool RunChanged { get; init; }
}
