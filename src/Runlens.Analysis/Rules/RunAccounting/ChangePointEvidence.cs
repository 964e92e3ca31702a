using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0403: PELT found a change point after which the training loss's level is markedly higher.</summary>
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
    int Samples) : Evidence, ISeriesEvidence;
