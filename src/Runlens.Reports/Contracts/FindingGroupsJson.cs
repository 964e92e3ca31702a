namespace Runlens.Reports.Contracts;

/// <summary>Findings only one run has, those every run shares, and the rest.</summary>
public sealed record FindingGroupsJson(IReadOnlyList<FindingPresenceJson> Unique, IReadOnlyList<FindingPresenceJson> Common, IReadOnlyList<FindingPresenceJson> Partial);
