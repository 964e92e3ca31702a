namespace Runlens.Audit.Results;

/// <summary>The audit at a glance.</summary>
/// <param name="Status"><c>healthy</c> (nothing found), <c>warning</c> or <c>critical</c> (an error-level finding).</param>
/// <param name="Headline">One sentence: the most important finding, or that nothing was found.</param>
/// <param name="Examples">Examples read (files, or rows of tables).</param>
/// <param name="Flagged">Examples that at least one check flagged.</param>
/// <param name="LeaveOut">Examples the filtering checks say to leave out.</param>
/// <param name="Kinds">Examples per kind (<c>image</c>, <c>audio</c>, <c>text</c>, <c>row</c>).</param>
public sealed record AuditSummary(string Status, string Headline, int Examples, int Flagged, int LeaveOut,
    System.Collections.Immutable.ImmutableSortedDictionary<string, int> Kinds);
