using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.Optimisation;

/// <summary>RL0206: isolated spikes of the training loss far above its local level, then back.</summary>
public sealed record LossSpikesEvidence(
    string Series,
    int Spikes,
    ImmutableArray<long> SpikeSteps,
    long LargestStep,
    double LargestValue,
    double LargestRatio,
    double ThresholdZ,
    double ThresholdRatio,
    int Window,
    int Points) : Evidence, ISeriesEvidence;
