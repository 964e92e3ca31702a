using System.Collections.Immutable;

namespace Runlens.Analysis.Findings;

/// <summary>What to do: one action sentence and, where it applies, config changes.</summary>
public sealed record Recommendation(string Action, ImmutableArray<ConfigChange> ConfigChanges)
{
    public static Recommendation Do(string action, params ConfigChange[] changes) => new(action, [.. changes]);
}
