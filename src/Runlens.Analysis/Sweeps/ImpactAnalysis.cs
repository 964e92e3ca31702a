using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>Which hyperparameters matter for a metric across the runs of a sweep (<c>runlens.impact/v1</c>).</summary>
/// <param name="Metric">The metric key (e.g. <c>val/loss</c>), or null when no run has a metric to judge by.</param>
/// <param name="MetricSource">Why that metric: given, or the primary metric of how many runs.</param>
/// <param name="GreaterIsBetter">The metric's direction.</param>
/// <param name="Value">Best or final value per run.</param>
/// <param name="Runs">Runs given.</param>
/// <param name="RunsWithMetric">Runs with a finite value of the metric: the ones correlations and the forest use.</param>
/// <param name="ConstantKeys">Config keys with the same value in every run (not parameters of the sweep).</param>
/// <param name="Parameters">The parameters that vary, most important first (forest importance, then |rho|).</param>
/// <param name="Skipped">Keys that vary but were left out, with the reason.</param>
/// <param name="Forest">The forest fits, or null when too few runs or no parameter.</param>
/// <param name="FindingRates">Finding rates per level of the categorical parameters (and numeric ones with few values).</param>
/// <param name="Notable">Findings whose rate differs a lot between two levels of a parameter, biggest difference first.</param>
/// <param name="Caveats">What limits the conclusions (too few runs, runs without the metric, a forest that predicts nothing).</param>
public sealed record ImpactAnalysis(
    string? Metric,
    string MetricSource,
    bool GreaterIsBetter,
    ImpactValue Value,
    int Runs,
    int RunsWithMetric,
    int ConstantKeys,
    ImmutableArray<ParameterImpact> Parameters,
    ImmutableArray<SkippedParameter> Skipped,
    ForestFit? Forest,
    ImmutableArray<FindingRates> FindingRates,
    ImmutableArray<FindingContrast> Notable,
    ImmutableArray<string> Caveats)
{
    public const string Schema = "runlens.impact/v1";
}
