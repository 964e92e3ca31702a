using System.Collections.Immutable;

namespace Runlens.Analysis.Sweeps;

/// <summary>What one hyperparameter does to the metric across the runs.</summary>
/// <param name="Key">The config key (flattened, e.g. <c>optimizer.lr</c>).</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Runs">Runs that set it.</param>
/// <param name="Distinct">Distinct values over those runs.</param>
/// <param name="Levels">For a categorical parameter (or a numeric one with few values): its values, sorted; else empty.</param>
/// <param name="Spearman">Rank correlation with the metric (numeric parameters with at least 3 pairs and 2 distinct values); else null.</param>
/// <param name="Importance">Random-forest permutation importance; null when no forest was fitted.</param>
/// <param name="Caveats">Why this parameter's figures are weak (too few distinct values, too few runs per level, …).</param>
public sealed record ParameterImpact(
    string Key,
    ParameterKind Kind,
    int Runs,
    int Distinct,
    ImmutableArray<string> Levels,
    RankCorrelation? Spearman,
    PermutationImportance? Importance,
    ImmutableArray<string> Caveats);
