using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0106, without evaluations: the training loss was still falling over the last quarter of its logs.</summary>
public sealed record NotConvergedLossEvidence(
    string Series,
    long FirstStep,
    long LastStep,
    double RelativeDrop,
    double Threshold,
    double TheilSenSlopePerLog) : Evidence, ISeriesEvidence;
