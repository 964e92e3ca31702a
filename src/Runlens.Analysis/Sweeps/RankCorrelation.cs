namespace Runlens.Analysis.Sweeps;

/// <summary>A Spearman rank correlation between one parameter and the metric.</summary>
/// <param name="Rho">Spearman's rho: the Pearson correlation of the ranks (ties get their average rank), −1 to 1.</param>
/// <param name="PValue">Two-sided p-value of rho ≠ 0 from Student's t with n − 2 degrees of freedom (as
/// <c>scipy.stats.spearmanr</c>); rough below about 10 pairs.</param>
/// <param name="N">The number of runs that had both a value of the parameter and a finite metric.</param>
public sealed record RankCorrelation(double Rho, double PValue, int N);
