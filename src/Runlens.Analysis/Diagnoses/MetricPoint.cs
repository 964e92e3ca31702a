namespace Runlens.Analysis.Diagnoses;

/// <summary>A value of a metric at a step.</summary>
public readonly record struct MetricPoint(long Step, double Value, double Epoch);
