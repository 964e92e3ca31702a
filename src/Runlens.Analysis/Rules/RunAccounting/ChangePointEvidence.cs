using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0403: PELT found a change point after which the training loss's level is markedly higher; with the picture of
/// changed training data (steady learning rate, validation at its best just before and rising after while training falls
/// again) when <c>DataShift</c> is true.</summary>
public sealed record ChangePointEvidence(
    string Series,
    long ChangeStep,
    double MeanBefore,
    double MeanAfter,
    double RelativeShift,
    double Threshold,
    int ChangePoints,
    int UpwardChanges,
    ImmutableArray<long> ChangeSteps,
    double Penalty,
    int MinSize,
    int Samples,
    string? ValSeries,
    double? ValBestBeforeChange,
    double? ValFinal,
    double? ValSteadinessAfter,
    double? TrainSteadinessAfter,
    double ThresholdValSteadiness,
    bool DataShift) : Evidence, ISeriesEvidence;
