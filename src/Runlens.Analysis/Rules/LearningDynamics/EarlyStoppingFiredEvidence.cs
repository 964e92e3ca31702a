using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0103: the trainer's early-stopping callback stopped the run (as its state or an event records).</summary>
public sealed record EarlyStoppingFiredEvidence(
    string Series,
    int Patience,
    int? PatienceCounter,
    long StopStep,
    string EvidenceSource) : Evidence, ISeriesEvidence;
