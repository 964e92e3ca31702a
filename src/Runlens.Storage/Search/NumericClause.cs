namespace Runlens.Storage.Search;

/// <summary><c>metrics.loss &lt; 0.5</c>, <c>attributes.start_time &gt;= 1700000000000</c>: a run without the metric
/// or time never matches.</summary>
internal sealed class NumericClause(SearchKey key, SearchComparator comparator, double value) : FilterClause
{
    public override bool Matches(RunRecord run) =>
        RunFields.Number(run, key) is { } actual && SearchComparators.Compare(actual, comparator, value);
}
