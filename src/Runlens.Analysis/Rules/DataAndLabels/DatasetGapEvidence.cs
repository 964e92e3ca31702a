using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0312: at the last evaluation, one data source's logged accuracy is far below the mean of the others.</summary>
public sealed record DatasetGapEvidence(
    string Series,
    string Source,
    long Step,
    double Accuracy,
    double OthersMean,
    double Gap,
    double Threshold,
    int Sources,
    string BestSource,
    double BestAccuracy) : Evidence, ISeriesEvidence;
