using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary>One metric over an experiment's seeds (seed 003's aggregated entry): mean, sample std (ddof 1), extremes,
/// Student-t 95% interval and each seed's value in seed order. Std and the interval are null for a single seed.</summary>
public sealed record MetricInterval(double Mean, double? Std, double Min, double Max, ImmutableArray<double>? Ci95, ImmutableArray<double> Values);
