using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0101: the validation loss rose after its minimum while the training loss fell.</summary>
public sealed record OverfittingEvidence(
    string Level,
    string Series,
    long BestStep,
    double BestValue,
    double BestEpoch,
    long FinalStep,
    double FinalValue,
    double RelativeRise,
    double Threshold,
    int EvalsAfterBest,
    int RisesAfterBest,
    string TrainSeries,
    double TrainLossAtBest,
    double TrainLossFinal,
    double GapAtBest,
    double GapFinal,
    double GapGrowth,
    ImmutableArray<double> Trajectory,
    string? MetricSeries,
    double? MetricValueAtLossBest,
    double? MetricBestValue,
    long? MetricBestStep,
    double? RelativeMetricGain,
    double? RelativeRiseAfterMetricBest,
    double RiseFractionOfGain,
    double ThresholdFractionOfGain) : Evidence, ISeriesEvidence;
