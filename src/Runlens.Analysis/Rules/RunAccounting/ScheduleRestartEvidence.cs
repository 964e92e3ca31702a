using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0403: the learning rate decayed and then climbed back towards its peak mid-run, as when a resumed job
/// creates its optimizer and scheduler afresh.</summary>
public sealed record ScheduleRestartEvidence(
    string Series,
    long RestartStep,
    long ClimbedBackStep,
    double PeakRate,
    double LowRate,
    double RestartedRate,
    double DecayedFraction,
    double? LossBefore,
    double? LossAfter,
    int LossWindow) : Evidence, ISeriesEvidence;
