using System.Collections.Immutable;
using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0404: the most extreme statistical outlier among the logged metrics, and the outliers of other series.</summary>
public sealed record MetricAnomalyEvidence(
    string Series,
    long Step,
    double Value,
    double NeighbourhoodMedian,
    double RobustZ,
    double Threshold,
    ImmutableArray<SeriesOutlier> OtherOutliers) : Evidence, ISeriesEvidence;
