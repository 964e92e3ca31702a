using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0106: the run saw only a fraction of one epoch.</summary>
public sealed record NotConvergedEpochEvidence(
    double EpochsSeen,
    double Threshold) : Evidence;
