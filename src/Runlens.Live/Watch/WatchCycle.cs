using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;

namespace Runlens.Live.Watch;

/// <summary>What one turn of the watcher saw.</summary>
/// <param name="Diagnosis">The latest diagnosis (of this turn when <paramref name="Changed"/>, else of an earlier one);
/// null until the run could be read once.</param>
/// <param name="Changed">The run changed and was diagnosed again in this turn.</param>
/// <param name="NewFindings">Findings whose <see cref="FindingKey"/> was not in the previous diagnosis.</param>
/// <param name="GoneFindings">Findings the previous diagnosis had and this one has not (as they were then).</param>
/// <param name="LastChange">When the run was last seen to change; null before the first read.</param>
/// <param name="Cost">How long reading and diagnosing took in this turn.</param>
/// <param name="Problem">Why the source could not be read in this turn, the first time this reason occurs.</param>
public sealed record WatchCycle(
    Diagnosis? Diagnosis,
    bool Changed,
    IReadOnlyList<Finding> NewFindings,
    IReadOnlyList<Finding> GoneFindings,
    DateTimeOffset Now,
    DateTimeOffset? LastChange,
    TimeSpan Cost,
    string? Problem)
{
    /// <summary>For a log read incrementally (<see cref="TailRunSource"/>): the points read so far, which the cheap
    /// checks have seen and the next full diagnosis will see; null for other sources.</summary>
    public long? SeenPoints { get; init; }

    /// <summary>For a log read incrementally: the step of the newest point read so far; null for other sources.</summary>
    public long? SeenStep { get; init; }

    /// <summary>Something the watch output should say once, e.g. that the log was truncated or replaced and is read
    /// again from the start.</summary>
    public string? Notice { get; init; }

    /// <summary>Points in the run as last read.</summary>
    public long Points => SeenPoints ?? Diagnosis?.Run.Series.Values.Sum(s => (long)s.Count) ?? 0;

    /// <summary>The step of the newest point of the run as last read (<see cref="Model.Run.LastStep"/>).</summary>
    public long? LastStep => SeenStep ?? Diagnosis?.Run.LastStep;

    /// <summary>Points in the run the diagnosis saw (behind <see cref="Points"/> while the next full diagnosis waits).</summary>
    public long DiagnosedPoints => Diagnosis?.Run.Series.Values.Sum(s => (long)s.Count) ?? 0;

    /// <summary>The run says it is over (finished, failed or killed).</summary>
    public bool Ended => Diagnosis?.Run.Status is Model.RunStatus.Finished or Model.RunStatus.Failed or Model.RunStatus.Killed;
}
