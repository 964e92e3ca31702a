using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of label drift: Pearson's chi-square test of independence between split and label.</summary>
/// <param name="ChiSquare">The statistic (no continuity correction).</param>
/// <param name="DegreesOfFreedom">(splits − 1)(labels − 1).</param>
/// <param name="PValue">Upper tail of the chi-square distribution.</param>
/// <param name="CramersV">Effect size, 0–1.</param>
/// <param name="MaxP">The p-value limit.</param>
/// <param name="MinCramersV">The effect-size limit.</param>
/// <param name="Shares">Per split and label, the share of the split's examples.</param>
public sealed record LabelDriftEvidence(int Examined, int Count, double ChiSquare, int DegreesOfFreedom, double PValue, double CramersV,
    double MaxP, double MinCramersV, ImmutableArray<LabelShare> Shares) : AuditEvidence(Examined, Count);

/// <summary>A label's share of a split.</summary>
public sealed record LabelShare(string Split, string Label, int Count, double Share);
