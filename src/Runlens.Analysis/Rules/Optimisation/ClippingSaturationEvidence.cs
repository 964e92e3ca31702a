using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0205: the gradient norm is at or above the clip value in most logs.</summary>
public sealed record ClippingSaturationEvidence(
    string Series,
    double ClipNorm,
    string ClipKey,
    string ClipSource,
    double ClippedFraction,
    double Threshold,
    double Median,
    int Points,
    double RelativeTrainLossDrop) : Evidence, ISeriesEvidence;
