using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0108: the validation loss is best at one evaluation and the task metric improves well after it.</summary>
public sealed record MetricDisagreementEvidence(
    string Series,
    long BestStep,
    double BestValue,
    double FinalValue,
    string MetricSeries,
    bool MetricGreaterIsBetter,
    double MetricValueAtLossBest,
    long MetricBestStep,
    double MetricBestValue,
    double MetricFinalValue,
    double RelativeMetricGain,
    double Threshold,
    int EvalsApart,
    double ThresholdEvalsApart,
    double MetricLateMedian,
    int LateEvals,
    double RelativeLateGain,
    double LossLateMedian,
    double RelativeLossRise,
    double ThresholdLossRise,
    double? TrainLossAtBest,
    double? TrainLossLateMedian,
    double? RelativeTrainDrop,
    double ThresholdTrainDrop) : Evidence, ISeriesEvidence;
