using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of class balance per split: the largest class over the smallest, per split.</summary>
/// <param name="MaxRatio">The limit on largest / smallest.</param>
/// <param name="Splits">Per split: its classes' counts, the ratio, and the classes it lacks.</param>
public sealed record ClassBalanceEvidence(int Examined, int Count, double MaxRatio, ImmutableArray<SplitBalance> Splits)
    : AuditEvidence(Examined, Count);

/// <summary>One split's class counts.</summary>
/// <param name="Ratio">Largest class count over the smallest non-zero one.</param>
/// <param name="Missing">Labels other splits have and this one lacks.</param>
public sealed record SplitBalance(string Split, int Examples, double Ratio, string Largest, string Smallest,
    ImmutableArray<ClassCount> Classes, ImmutableArray<string> Missing);
