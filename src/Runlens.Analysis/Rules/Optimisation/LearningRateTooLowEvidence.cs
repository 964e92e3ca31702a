using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0202: the training loss fell slowly and steadily and was still falling at the end (or the learning rate is tiny, or too
/// small for the model family with the loss at chance level).</summary>
public sealed record LearningRateTooLowEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeDrop,
    double Threshold,
    double Steadiness,
    double ThresholdSteadiness,
    double RelativeDropLastQuarter,
    double? LearningRate,
    double ThresholdTinyLearningRate,
    int? Classes,
    double? ChanceLevel,
    double ThresholdChanceBand,
    string? PriorFamily,
    double? PriorLow,
    double? PriorHigh,
    string? PriorSource,
    string? ValSeries,
    double? ValSteadiness,
    double? ValRelativeDropLastQuarter,
    double ThresholdValSteadiness,
    bool? ValKeepsPace,
    double LatePaceFraction,
    double? ValLatePaceFraction,
    double ThresholdPaceKeptFraction) : Evidence, ISeriesEvidence;
