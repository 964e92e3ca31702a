namespace Runlens.Analysis.Rules.RunAccounting;

/// <summary>The most extreme outlier of one series.</summary>
public sealed record SeriesOutlier(string Series, long Step, double Value, double RobustZ);
