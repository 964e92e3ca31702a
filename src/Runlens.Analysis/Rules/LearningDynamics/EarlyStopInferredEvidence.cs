using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0103: the log ends before the planned length right after evaluations without improvement, as an early stop
/// the trainer did not record would.</summary>
public sealed record EarlyStopInferredEvidence(
    string Series,
    int EvalsWithoutImprovement,
    long BestStep,
    double BestValue,
    long FinalStep,
    long MaxSteps,
    string EvidenceSource) : Evidence, ISeriesEvidence;
