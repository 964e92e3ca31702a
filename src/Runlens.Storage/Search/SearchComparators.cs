namespace Runlens.Storage.Search;

/// <summary>
/// Which comparators each kind of key accepts, with MLflow's error for the others. The messages are MLflow's own
/// (<c>SearchUtils.is_metric</c> and friends), stray quote included; MLflow prints a Python set, whose order varies by
/// process, so this uses the order a real MLflow 2.12.2 server printed for metrics.
/// </summary>
internal static class SearchComparators
{
    private static readonly SearchComparator[] Numeric =
    [
        SearchComparator.Greater, SearchComparator.Less, SearchComparator.GreaterOrEqual,
        SearchComparator.LessOrEqual, SearchComparator.Equal, SearchComparator.NotEqual,
    ];

    private static readonly SearchComparator[] ParamOrTag =
        [SearchComparator.NotEqual, SearchComparator.Equal, SearchComparator.Like, SearchComparator.ILike];

    private static readonly SearchComparator[] StringAttribute = [.. ParamOrTag, SearchComparator.In, SearchComparator.NotIn];

    /// <summary>The comparator <paramref name="written"/> (e.g. <c>&gt;=</c>, <c>like</c>, <c>NOT IN</c>) if
    /// <paramref name="key"/> accepts it.</summary>
    public static SearchComparator Require(SearchKey key, string written)
    {
        var (valid, closingQuote) = key switch
        {
            { Entity: SearchEntity.Metric } => (Numeric, ""),
            { Entity: SearchEntity.Param } => (ParamOrTag, "'"),
            { Entity: SearchEntity.Tag } => (ParamOrTag, ""),
            { IsNumeric: true } => (Numeric, ""),
            _ => (StringAttribute, "'"),
        };
        var normalized = written.ToUpperInvariant();
        foreach (var comparator in valid)
        {
            if (Text(comparator) == normalized)
                return comparator;
        }
        var set = string.Join(", ", valid.Select(c => $"'{Text(c)}'"));
        throw new SearchSyntaxException($"Invalid comparator '{normalized}' not one of '{{{set}}}{closingQuote}");
    }

    public static string Text(SearchComparator comparator) => comparator switch
    {
        SearchComparator.Greater => ">",
        SearchComparator.GreaterOrEqual => ">=",
        SearchComparator.Less => "<",
        SearchComparator.LessOrEqual => "<=",
        SearchComparator.Equal => "=",
        SearchComparator.NotEqual => "!=",
        SearchComparator.Like => "LIKE",
        SearchComparator.ILike => "ILIKE",
        SearchComparator.In => "IN",
        SearchComparator.NotIn => "NOT IN",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator), comparator, null),
    };

    public static bool Compare(double left, SearchComparator comparator, double right) => comparator switch
    {
        SearchComparator.Greater => left > right,
        SearchComparator.GreaterOrEqual => left >= right,
        SearchComparator.Less => left < right,
        SearchComparator.LessOrEqual => left <= right,
        SearchComparator.Equal => left == right,
        SearchComparator.NotEqual => left != right,
        _ => throw new ArgumentOutOfRangeException(nameof(comparator), comparator, null),
    };
}
