using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0311: the logged top-2 accuracy is far above the top-1 accuracy at the last evaluation: the right class is
/// often the runner-up.</summary>
public sealed record TopKGapEvidence(
    string Series,
    string AccuracySeries,
    int K,
    long Step,
    double TopKAccuracy,
    double Accuracy,
    double Gap,
    double Threshold,
    double ExpectedLow,
    double ExpectedHigh) : Evidence, ISeriesEvidence;
