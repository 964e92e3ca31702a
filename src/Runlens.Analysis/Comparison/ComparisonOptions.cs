namespace Runlens.Analysis.Comparison;

/// <summary>How runs are compared.</summary>
/// <param name="Target">The value of the primary metric each run's steps-to-target are measured against; null: the worst
/// run's best value (every run with a value reaches it, so the figure says how fast each got as far as the slowest).</param>
/// <param name="StabilityTail">Fraction of the training loss's logged points, counted from the end, over which
/// <c>loss_std</c> is taken (0.1: the last 10%).</param>
public sealed record ComparisonOptions(double? Target = null, double StabilityTail = 0.1)
{
    public static ComparisonOptions Default { get; } = new();
}
