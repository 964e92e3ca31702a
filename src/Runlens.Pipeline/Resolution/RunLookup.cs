namespace Runlens.Pipeline.Resolution;

/// <summary>What looking a run up by id or name in a store found.</summary>
/// <param name="Id">The run's id; null when none or several runs match.</param>
/// <param name="Named">The ids of the runs with that exact name when there are several (the name is ambiguous).</param>
public sealed record RunLookup(string? Id, IReadOnlyList<string> Named)
{
    /// <summary>Why nothing was found: "no run 'x' (neither an id nor a run name)", or "3 runs are named 'x' (ids a, b, c)".</summary>
    public string Cause(string idOrName) => Named.Count > 1
        ? $"{Named.Count} runs are named '{idOrName}' (ids {string.Join(", ", Named.Take(5))})"
        : $"no run '{idOrName}' (neither an id nor a run name)";
}
