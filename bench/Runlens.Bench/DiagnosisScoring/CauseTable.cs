using System.Collections.Immutable;

namespace Runlens.Bench.DiagnosisScoring;

/// <summary><c>bench/diagnosis/causes.json</c>: for each true cause, the diagnosis root-cause ids that count as right when
/// ranked first. A healthy run is right when no root cause is reported.</summary>
internal sealed record CauseTable(ImmutableDictionary<string, ImmutableArray<string>> Accepts)
{
    /// <summary>Whether <paramref name="reported"/> (the first root cause, or null when none) is right for
    /// <paramref name="truth"/>.</summary>
    public bool IsRight(string truth, string? reported) =>
        truth == BenchTruth.Healthy
            ? reported is null
            : reported is not null && Accepts.TryGetValue(truth, out var ids) && ids.Contains(reported);
}
