using System.Collections.Immutable;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary>What Runlens said about one benchmark run, reduced to what the scorer compares with the truth.</summary>
/// <param name="Run">The run.</param>
/// <param name="Format">The format Runlens detected, or null when the import failed.</param>
/// <param name="ImportError">The one-line error when the log or the predictions could not be read, else null.</param>
/// <param name="Fired">Rules that fired: a finding at or above the rule's default severity (below it, the rule itself
/// says the pattern is not a problem: overfitting "too noisy to call", early stopping that "did its job").</param>
/// <param name="Errors">Rules with a finding of severity error.</param>
/// <param name="TopRootCause">The first root cause's id, or null when none was reported.</param>
/// <param name="BestStep">The diagnosis summary's best step, or null.</param>
internal sealed record RunOutcome(
    BenchRun Run,
    string? Format,
    string? ImportError,
    ImmutableArray<string> Fired,
    ImmutableArray<string> Errors,
    string? TopRootCause,
    long? BestStep)
{
    public BenchTruth Truth => Run.Truth;

    /// <summary>Faults that did not fire.</summary>
    public ImmutableArray<string> Missed => [.. Truth.Faults.Where(f => !Fired.Contains(f))];

    /// <summary>Rules that fired although the run was not built to make them fire (nor allowed to).</summary>
    public ImmutableArray<string> FalseAlarms(ImmutableHashSet<string> ignored) =>
        [.. Fired.Where(r => !Truth.Faults.Contains(r) && !Truth.Allowed.Contains(r) && !ignored.Contains(r))];

    public bool RootCauseRight(CauseTable causes) => ImportError is null && causes.IsRight(Truth.RootCause, TopRootCause);

    public bool BestStepExact => ImportError is null && Truth.BestStep is { } b && BestStep == b;
}
