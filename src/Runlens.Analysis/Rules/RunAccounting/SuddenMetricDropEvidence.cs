using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0402: a validation metric got sharply worse between two consecutive evaluations (the sharpest drop).</summary>
public sealed record SuddenMetricDropEvidence(
    string Series,
    long FromStep,
    double FromValue,
    long ToStep,
    double ToValue,
    double RelativeDrop,
    double Threshold,
    double RelativeEarlierThrow,
    double ThresholdStepUp,
    bool Recovered,
    ImmutableArray<string> OtherSeries) : Evidence, ISeriesEvidence;
