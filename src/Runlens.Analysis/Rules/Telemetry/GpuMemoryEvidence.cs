using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Telemetry;

/// <summary>RL0406: the GPU's peak memory after warm-up is a small part of its total.</summary>
public sealed record GpuMemoryEvidence(
    string Series,
    double GpuMemoryPeakPercent,
    double? GpuMemoryPeakMib,
    double? GpuMemoryTotalMib,
    double Threshold,
    int Samples) : Evidence, ISeriesEvidence;
