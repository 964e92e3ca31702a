namespace Runlens.Storage.Search;

/// <summary><c>params.optimizer = 'adam'</c>, <c>tags.team ILIKE 'nlp%'</c>, <c>status != 'FAILED'</c>: exact,
/// case-sensitive comparison, or a LIKE/ILIKE pattern; a run without the value never matches.</summary>
internal sealed class TextClause : FilterClause
{
    public TextClause(SearchKey key, SearchComparator comparator, string value)
    {
        Key = key;
        Comparator = comparator;
        Value = value;
        if (comparator is SearchComparator.Like or SearchComparator.ILike)
            Pattern = LikePattern.Create(value, comparator == SearchComparator.ILike);
    }

    public SearchKey Key { get; }

    public SearchComparator Comparator { get; }

    public string Value { get; }

    /// <summary>The LIKE or ILIKE pattern; null for = and !=.</summary>
    public LikePattern? Pattern { get; }

    public override bool Matches(RunRecord run)
    {
        if (RunFields.Text(run, Key) is not { } actual)
            return false;
        return Comparator switch
        {
            SearchComparator.Equal => string.Equals(actual, Value, StringComparison.Ordinal),
            SearchComparator.NotEqual => !string.Equals(actual, Value, StringComparison.Ordinal),
            _ => Pattern!.IsMatch(actual),
        };
    }
}
