using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0401: the logged steps per epoch disagree with those implied by the dataset size and batch settings.</summary>
public sealed record EpochStepMismatchEvidence(
    long TrainExamples,
    double BatchPerDevice,
    double GradientAccumulation,
    double Devices,
    double ImpliedStepsPerEpoch,
    double LoggedStepsPerEpoch,
    double RelativeDifference,
    double Threshold,
    int? ExplainedByDevices,
    double EffectiveBatch,
    long AtStep,
    double LoggedEpoch,
    double EpochsFromSteps) : Evidence;
