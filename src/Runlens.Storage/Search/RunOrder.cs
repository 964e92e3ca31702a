namespace Runlens.Storage.Search;

/// <summary>
/// MLflow's <c>search_runs</c> order_by: clauses such as <c>metrics.loss ASC</c>, <c>params.lr DESC</c>,
/// <c>attributes.start_time</c> (ascending unless DESC), runs lacking a clause's key last, then MLflow's own order:
/// start time, newest first (runs without one last), then run id.
/// </summary>
public sealed class RunOrder : IComparer<RunRecord>
{
    private readonly OrderClause[] _clauses;

    private RunOrder(OrderClause[] clauses) => _clauses = clauses;

    /// <summary>The order_by clauses, before start time and run id.</summary>
    internal IReadOnlyList<OrderClause> Clauses => _clauses;

    /// <summary>MLflow's order without order_by: start time descending, then run id ascending.</summary>
    public static RunOrder Default { get; } = new([]);

    /// <exception cref="SearchSyntaxException">A clause is malformed; the message is MLflow's.</exception>
    public static RunOrder Parse(IReadOnlyList<string>? orderBy) =>
        orderBy is null || orderBy.Count == 0 ? Default : new RunOrder([.. orderBy.Select(ParseClause)]);

    public int Compare(RunRecord? x, RunRecord? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null || y is null)
            return x is null ? -1 : 1;
        foreach (var clause in _clauses)
        {
            var byClause = clause.Compare(x, y);
            if (byClause != 0)
                return byClause;
        }
        var (a, b) = (RunFields.Milliseconds(x.StartTime), RunFields.Milliseconds(y.StartTime));
        if (a != b)
            return a is null || b is null ? (a is null).CompareTo(b is null) : b.Value.CompareTo(a.Value);
        return string.CompareOrdinal(x.Id, y.Id);
    }

    private static OrderClause ParseClause(string? clause)
    {
        var unparsable = $"Invalid order_by clause '{clause}'. Could not be parsed.";
        if (string.IsNullOrWhiteSpace(clause))
            throw new SearchSyntaxException(unparsable);
        var tokens = SearchLexer.Tokenize(clause, $"Invalid order_by clause '{clause}'.");
        if (tokens.Count > 2 || !tokens[0].IsKey)
            throw new SearchSyntaxException(unparsable);
        var ascending = true;
        if (tokens.Count == 2)
        {
            if (!tokens[1].IsWord("ASC") && !tokens[1].IsWord("DESC"))
                throw new SearchSyntaxException($"Invalid ordering key in order_by clause '{clause}'.");
            ascending = tokens[1].IsWord("ASC");
        }
        return new OrderClause(SearchKeys.ForOrder(tokens[0]), ascending);
    }
}
