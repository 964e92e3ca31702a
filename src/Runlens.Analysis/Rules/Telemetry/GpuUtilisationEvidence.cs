using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Telemetry;

/// <summary>RL0406: the GPU's median utilisation after warm-up is low.</summary>
public sealed record GpuUtilisationEvidence(
    string Series,
    double GpuUtilMedian,
    double GpuUtilP10,
    double GpuUtilP90,
    double BelowLowUtilFraction,
    double ThresholdLowUtil,
    double Threshold,
    int Samples,
    long Seconds,
    long WarmupSeconds,
    double? CpuPercentMedian,
    double? CpuCount,
    bool? CpuSaturated) : Evidence, ISeriesEvidence;
