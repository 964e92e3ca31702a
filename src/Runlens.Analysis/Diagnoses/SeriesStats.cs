namespace Runlens.Analysis.Diagnoses;

/// <summary>Per-series figures for the <c>metrics</c> block: count, first, last, min, max and non-finite count.</summary>
public sealed record SeriesStats(
    string Key,
    string OriginalName,
    int Count,
    MetricPoint First,
    MetricPoint Last,
    MetricPoint? Min,
    MetricPoint? Max,
    int NonFinite);
