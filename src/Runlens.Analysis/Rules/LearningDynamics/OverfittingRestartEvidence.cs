using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0101: the validation loss rose after its minimum, but only once the learning-rate schedule had restarted: the
/// restart's bump, not overfitting.</summary>
public sealed record OverfittingRestartEvidence(
    string Level,
    string Series,
    long BestStep,
    double BestValue,
    long FinalStep,
    double FinalValue,
    double RelativeRise,
    double Threshold,
    string LearningRateSeries,
    long RestartStep,
    long ClimbedBackStep,
    long StepBeforeRestart,
    double ValueBeforeRestart,
    double RelativeRiseBeforeRestart) : Evidence, ISeriesEvidence;
