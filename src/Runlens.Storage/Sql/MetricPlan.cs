namespace Runlens.Storage.Sql;

/// <summary>How a search reads one metric name from <c>run_metrics</c>: the rows of <paramref name="Name"/>, and, when
/// some run resolves the name differently from its normalised form, the rows of <paramref name="Fallback"/> for the runs
/// that lack the first (see <see cref="SearchIndex"/>).</summary>
internal sealed record MetricPlan(string Name, string? Fallback);
