namespace Runlens.Storage.Search;

/// <summary><c>params.optimizer = 'adam'</c>, <c>tags.team ILIKE 'nlp%'</c>, <c>status != 'FAILED'</c>: exact,
/// case-sensitive comparison, or a LIKE/ILIKE pattern; a run without the value never matches.</summary>
internal sealed class TextClause : FilterClause
{
    private readonly SearchKey _key;
    private readonly SearchComparator _comparator;
    private readonly string _value;
    private readonly LikePattern? _pattern;

    public TextClause(SearchKey key, SearchComparator comparator, string value)
    {
        _key = key;
        _comparator = comparator;
        _value = value;
        if (comparator is SearchComparator.Like or SearchComparator.ILike)
            _pattern = LikePattern.Create(value, comparator == SearchComparator.ILike);
    }

    public override bool Matches(RunRecord run)
    {
        if (RunFields.Text(run, _key) is not { } actual)
            return false;
        return _comparator switch
        {
            SearchComparator.Equal => string.Equals(actual, _value, StringComparison.Ordinal),
            SearchComparator.NotEqual => !string.Equals(actual, _value, StringComparison.Ordinal),
            _ => _pattern!.IsMatch(actual),
        };
    }
}
