using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0206: after the first epochs the training loss stays noisy over short stretches (loss_std).</summary>
public sealed record LossNoiseEvidence(
    string Series,
    double LossStd,
    double Threshold,
    long FirstStep,
    long LastStep,
    int Window) : Evidence, ISeriesEvidence;
