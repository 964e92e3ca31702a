namespace Runlens.Storage.Search;

/// <summary>Where a page of a search ended: for each order key (the order_by clauses, then start time) the last run's
/// rank (0 a value, 1 NaN, 2 none) and value as text (null unless the rank is 0), and that run's id.</summary>
internal sealed record SearchPosition(IReadOnlyList<(int Rank, string? Value)> Keys, string Id);
