using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>One split of the data (<c>train</c>, <c>val</c>, <c>test</c>, or <c>all</c>).</summary>
/// <param name="Name">The split's name.</param>
/// <param name="Path">Where it was read from.</param>
/// <param name="Examples">Examples in it.</param>
/// <param name="Classes">Examples per label, by label (empty when the data has no labels).</param>
public sealed record AuditSplit(string Name, string Path, int Examples, ImmutableArray<ClassCount> Classes);

/// <summary>How many examples carry one label.</summary>
public sealed record ClassCount(string Label, int Count);
