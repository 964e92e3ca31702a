using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0204: most gradient norms of the second half are tiny while the training loss has barely fallen.</summary>
public sealed record VanishingGradientsEvidence(
    string Series,
    double MedianSecondHalf,
    double TinyFraction,
    double Threshold,
    double ThresholdFraction,
    string LossSeries,
    double LossHeadMedian,
    double LossTailMedian,
    double RelativeLossDrop) : Evidence, ISeriesEvidence;
