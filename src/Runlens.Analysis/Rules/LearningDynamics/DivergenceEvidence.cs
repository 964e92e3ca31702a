using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.LearningDynamics;

/// <summary>RL0107: the training loss rises over the run.</summary>
public sealed record DivergenceEvidence(
    string Series,
    double HeadMedian,
    double TailMedian,
    double RelativeRise,
    double Threshold,
    double RankTrend,
    double ThresholdTrend,
    int Points) : Evidence, ISeriesEvidence;
