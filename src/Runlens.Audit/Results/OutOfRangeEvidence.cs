using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of RL0724 out-of-range-values: the values beyond the far-out fences and how much of their column's
/// spread they make.</summary>
/// <param name="Examined">Numeric columns examined.</param>
/// <param name="Count">Values flagged.</param>
/// <param name="Threshold">The fence, in interquartile ranges beyond the quartiles (<c>max_iqr</c>).</param>
/// <param name="Columns">The flagged columns with their profile.</param>
/// <param name="Infinite">Infinite values among those flagged.</param>
/// <param name="LargestVarianceFraction">The largest share, over the flagged columns, of a column's variance (squared
/// deviations from its mean, finite values) that its flagged values make.</param>
/// <param name="MinVarianceFraction">The share from which the finding is a warning (<c>min_variance_fraction</c>).</param>
public sealed record OutOfRangeEvidence(
    int Examined, int Count, double Threshold, ImmutableArray<AuditColumn> Columns, int Infinite, double LargestVarianceFraction, double MinVarianceFraction)
    : AuditEvidence(Examined, Count);
