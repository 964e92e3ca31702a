using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0204: the first layer's logged gradient norm is orders of magnitude below the last layer's while the training
/// loss has barely fallen.</summary>
public sealed record LayerGradientNormsEvidence(
    string Series,
    string LastSeries,
    double FirstMedian,
    double LastMedian,
    double NormRatio,
    double ThresholdRatio,
    int LayersLogged,
    string LossSeries,
    double LossHeadMedian,
    double LossTailMedian,
    double RelativeLossDrop) : Evidence, ISeriesEvidence;
