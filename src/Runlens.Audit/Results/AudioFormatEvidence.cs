using System.Collections.Immutable;

namespace Runlens.Audit.Results;

/// <summary>Evidence of audio format mismatches: the common sample rate and channel count and how many differ.</summary>
/// <param name="SampleRate">The most common sample rate (Hz).</param>
/// <param name="Channels">The most common channel count.</param>
/// <param name="Formats">Files per <c>rate Hz × channels</c>.</param>
public sealed record AudioFormatEvidence(int Examined, int Count, int SampleRate, int Channels, ImmutableSortedDictionary<string, int> Formats)
    : AuditEvidence(Examined, Count);
