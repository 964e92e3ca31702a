namespace Runlens.Storage.Sql;

/// <summary>A filter condition that an index can find the runs of (a parameter or tag equal to a text, a metric compared
/// with a number, the experiments searched): a search can start from it instead of walking the runs in their order.</summary>
/// <param name="Source">The joined row the condition is on; null for a condition on the run itself (the database then
/// starts from the runs and picks their index).</param>
/// <param name="Condition">The condition, e.g. <c>j0.value &lt; @p1</c>.</param>
internal sealed record SearchDriver(SearchSource? Source, string Condition);
