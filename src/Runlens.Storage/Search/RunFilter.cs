namespace Runlens.Storage.Search;

/// <summary>
/// An MLflow <c>search_runs</c> filter string, e.g.
/// <c>metrics.loss &lt; 0.5 AND params.optimizer = 'adam' AND tags."mlflow.user" LIKE 'a%' AND status = 'FINISHED'</c>,
/// evaluated against stored runs the way MLflow's tracking server does.
/// </summary>
public sealed class RunFilter
{
    private readonly FilterClause[] _clauses;
    private readonly string _text;

    private RunFilter(FilterClause[] clauses, string text)
    {
        _clauses = clauses;
        _text = text;
    }

    /// <summary>Matches every run: the filter of an empty filter string.</summary>
    public static RunFilter All { get; } = new([], "");

    /// <summary>The comparisons, all of which a run must match.</summary>
    internal IReadOnlyList<FilterClause> Clauses => _clauses;

    /// <summary>True for <see cref="All"/> and any other filter without clauses.</summary>
    public bool MatchesEverything => _clauses.Length == 0;

    /// <summary>Parses <paramref name="filter"/>; null, empty or blank matches everything.</summary>
    /// <exception cref="SearchSyntaxException">The filter is malformed; the message is MLflow's.</exception>
    public static RunFilter Parse(string? filter) =>
        string.IsNullOrWhiteSpace(filter) ? All : new RunFilter([.. FilterParser.Parse(filter)], filter);

    public bool Matches(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var clause in _clauses)
        {
            if (!clause.Matches(run))
                return false;
        }
        return true;
    }

    /// <summary>The filter string as given.</summary>
    public override string ToString() => _text;
}
