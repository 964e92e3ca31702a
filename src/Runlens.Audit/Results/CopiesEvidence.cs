using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of the copy checks (exact and near duplicates, rotated copies, leakage, conflicting labels).</summary>
/// <param name="Groups">Groups of copies.</param>
/// <param name="Exact">Issues from identical content (same SHA-256).</param>
/// <param name="Near">Issues from near copies (perceptual or text hashes within the distance).</param>
/// <param name="MaxDistance">The Hamming distance limit for near copies (bits of 64).</param>
/// <param name="BySplit">Issues per split pair or split, e.g. <c>train→test: 12</c>.</param>
public sealed record CopiesEvidence(int Examined, int Count, int Groups, int Exact, int Near, int MaxDistance,
    ImmutableSortedDictionary<string, int> BySplit) : AuditEvidence(Examined, Count);
