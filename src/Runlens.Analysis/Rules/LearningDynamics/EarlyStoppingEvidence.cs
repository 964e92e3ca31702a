using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0103: where early stopping, simulated over the logged evaluations, would have stopped the run.</summary>
public sealed record EarlyStoppingEvidence(
    string Series,
    int Patience,
    double ThresholdImprovement,
    int? ConfiguredPatience,
    long BestStep,
    double BestValue,
    long StopStep,
    int StopEval,
    int Evals,
    long FinalStep,
    long StepsSaved,
    double SavedFraction,
    double SecondsSaved,
    string EvidenceSource,
    long RunBestStep,
    double RunBestValue,
    double FirstValue,
    double RelativeGainOnFirst,
    double RelativeTrainLossDrop) : Evidence, ISeriesEvidence;
