using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>RL0407: accuracy is 1.0 while F1 is 0.0 at the same steps.</summary>
public sealed record PerfectAccuracyZeroF1Evidence(
    string AccuracySeries,
    string F1Series,
    int Points,
    long FirstStep) : Evidence;
