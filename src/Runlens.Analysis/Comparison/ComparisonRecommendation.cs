using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Comparison;

/// <summary>What the differences between the runs suggest doing.</summary>
/// <param name="Kind">Stable kind: <c>only-run-without</c> (a problem every other run has), <c>only-run-with</c> (a
/// problem no other run has), <c>next-config</c> (the best run's settings), <c>seed-noise</c> (the margin is within seed
/// noise), <c>more-seeds</c> (seeds unknown), <c>same-config</c> (the top runs differ only by seed).</param>
/// <param name="Action">One sentence.</param>
/// <param name="Runs">The runs it is about (indices).</param>
/// <param name="ConfigChanges">Config changes it suggests (from the other runs' value to this run's), possibly none.</param>
public sealed record ComparisonRecommendation(string Kind, string Action, ImmutableArray<int> Runs, ImmutableArray<ConfigChange> ConfigChanges);
