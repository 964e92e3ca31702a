using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>A parameter's random-forest permutation importance over the repeated fits.</summary>
/// <param name="Mean">Mean increase of the held-out root-mean-square error (in the metric's units) when this parameter's
/// column is shuffled; about 0 (or slightly negative) for a parameter the forest does not use.</param>
/// <param name="Std">Standard deviation of that increase over the fits (ddof 1): its uncertainty.</param>
/// <param name="Share">Mean as a share of the sum of all positive means (0–1; negative means count as 0).</param>
/// <param name="PerFit">The increase in each fit, in fit order.</param>
public sealed record PermutationImportance(double Mean, double Std, double Share, ImmutableArray<double> PerFit)
{
    /// <summary>Whether the importance stands out from zero: its mean exceeds twice its spread over the fits.</summary>
    public bool AboveZero => Mean > 0 && Mean > 2 * Std;
}
