using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary>A root cause of the diagnosis, with the seeds whose runs show it.</summary>
public sealed record RootCauseRecord(string Id, string Title, string Severity, ImmutableArray<string> Rules, ImmutableArray<int> Seeds, string? FixFirst);
