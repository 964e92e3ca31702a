namespace Runlens.Storage.Sql;

/// <summary>A filter condition on a joined row that an index can find the runs of (a parameter or tag equal to a text,
/// a metric compared with a number): a search can start from it instead of walking the runs in their order.</summary>
/// <param name="Condition">The condition on the source's row, e.g. <c>j0.value &lt; @p1</c>.</param>
internal sealed record SearchDriver(SearchSource Source, string Condition);
