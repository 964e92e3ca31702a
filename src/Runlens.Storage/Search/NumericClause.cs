namespace Runlens.Storage.Search;

/// <summary><c>metrics.loss &lt; 0.5</c>, <c>attributes.start_time &gt;= 1700000000000</c>: a run without the metric
/// or time never matches.</summary>
internal sealed class NumericClause(SearchKey key, SearchComparator comparator, double value) : FilterClause
{
    public SearchKey Key { get; } = key;

    public SearchComparator Comparator { get; } = comparator;

    public double Value { get; } = value;

    public override bool Matches(RunRecord run) =>
        RunFields.Number(run, Key) is { } actual && SearchComparators.Compare(actual, Comparator, Value);
}
