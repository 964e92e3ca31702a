using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>One value of a parameter: its runs, their metric and the rate of every finding seen in the sweep.</summary>
/// <param name="Value">The value as written in the config (<c>(unset)</c> for runs that do not set the parameter).</param>
/// <param name="Runs">Runs with this value.</param>
/// <param name="RunsWithMetric">Of those, runs with a finite value of the metric.</param>
/// <param name="MetricMedian">Median of the metric over those runs, or null.</param>
/// <param name="Findings">For every rule that fired in any run of the parameter's levels, the rate at this level (zeros included).</param>
public sealed record LevelFindings(string Value, int Runs, int RunsWithMetric, double? MetricMedian, ImmutableArray<FindingRate> Findings);
