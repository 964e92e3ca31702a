namespace Runlens.Reports.Contracts;

/// <summary>Permutation importance over the seeded fits: mean, std, share of the total, whether it stands out from zero,
/// and each fit's value.</summary>
public sealed record ImportanceJson(double Mean, double Std, double Share, bool AboveZero, IReadOnlyList<double> PerFit);
