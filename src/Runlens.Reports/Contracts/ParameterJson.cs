namespace Runlens.Reports.Contracts;

/// <summary>A hyperparameter that varies: kind, runs that set it, distinct values and levels, its Spearman correlation
/// (null for categorical keys or too few values), its importance (null without a forest) and caveats.</summary>
public sealed record ParameterJson(string Key, string Kind, int Runs, int Distinct, IReadOnlyList<string> Levels, SpearmanJson? Spearman,
    ImportanceJson? Importance, IReadOnlyList<string> Caveats);
