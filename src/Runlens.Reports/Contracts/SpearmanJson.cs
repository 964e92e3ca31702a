namespace Runlens.Reports.Contracts;

/// <summary>A Spearman rank correlation as scipy computes it: rho, two-sided p-value, runs.</summary>
public sealed record SpearmanJson(double Rho, double PValue, int N);
