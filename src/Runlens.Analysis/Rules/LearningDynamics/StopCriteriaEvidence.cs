using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0109: the evaluation at which all three stop criteria first held together — the validation loss rising for
/// several evaluations in a row, the validation accuracy flat, and a training loss spread far below the validation one.</summary>
public sealed record StopCriteriaEvidence(
    string Series,
    string AccuracySeries,
    string TrainLossStdSeries,
    string ValLossStdSeries,
    long StopStep,
    double StopEpoch,
    long FinalStep,
    int EvaluationsAfter,
    int Rises,
    double ThresholdRises,
    double LossBeforeRises,
    double LossAtStop,
    int AccuracyWindow,
    double AccuracySpread,
    double ThresholdAccuracySpread,
    double TrainLossStd,
    double ThresholdTrainLossStd,
    double ValLossStd,
    double ThresholdValLossStd) : Evidence, ISeriesEvidence;
