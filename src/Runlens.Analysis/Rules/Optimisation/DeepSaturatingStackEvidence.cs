using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0204: the config shows a deep stack of saturating activations without normalisation or residual connections,
/// and the training loss has not left its starting level (or chance level, ln K).</summary>
public sealed record DeepSaturatingStackEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double Threshold,
    int? Classes,
    double? ChanceLevel,
    string? ClassesSource,
    string SaturatingActivation,
    string ActivationKey,
    int Layers,
    string LayersKey,
    double ThresholdDeepLayers) : Evidence, ISeriesEvidence;
