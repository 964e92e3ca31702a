namespace Runlens.Storage.Sql;

/// <summary>A table a search joins to each run: a metric (<c>run_metrics</c>, one name or a name and its fallback), a
/// parameter (<c>config</c>) or a tag (<c>tags</c>), by name.</summary>
internal sealed class SearchSource
{
    private readonly string _column;
    private readonly string _key;
    private readonly string[] _parameters;

    private SearchSource(string alias, string table, string column, string[] parameters, bool metric)
    {
        Alias = alias;
        Table = table;
        _column = column;
        _key = table == "run_metrics" ? "name" : "key";
        _parameters = parameters;
        IsMetric = metric;
    }

    public string Alias { get; }

    public string Table { get; }

    public bool IsMetric { get; }

    /// <summary>A filter needs the row: the join is inner.</summary>
    public bool Required { get; set; }

    /// <summary>The joined value: the metric's latest value (NULL for NaN), the parameter's or the tag's text.</summary>
    public string Value => _parameters.Length == 1 ? $"{Alias}.{_column}" : $"CASE WHEN {Alias}.run_id IS NOT NULL THEN {Alias}.{_column} ELSE {Alias}b.{_column} END";

    /// <summary>True where the run has the row.</summary>
    public string Present => _parameters.Length == 1 ? $"{Alias}.run_id IS NOT NULL" : $"({Alias}.run_id IS NOT NULL OR {Alias}b.run_id IS NOT NULL)";

    /// <summary>Whether an inner join can stand for <see cref="Present"/> (a single name; a fallback pair is two outer
    /// joins and <see cref="Present"/>).</summary>
    public bool InnerJoinable => _parameters.Length == 1;

    /// <summary>The row's name: <c>j0.key = @p0</c>.</summary>
    public string Named => $"{Alias}.{_key} = {_parameters[0]}";

    public static SearchSource Metric(string alias, string parameter, string? fallbackParameter) =>
        new(alias, "run_metrics", "value", fallbackParameter is null ? [parameter] : [parameter, fallbackParameter], metric: true);

    public static SearchSource Param(string alias, string parameter) => new(alias, "config", "text", [parameter], metric: false);

    public static SearchSource Tag(string alias, string parameter) => new(alias, "tags", "value", [parameter], metric: false);

    /// <summary>The join(s) to a run already in the FROM list; <paramref name="innerJoin"/> is the keyword of an inner
    /// join (<c>JOIN</c>, or SQLite's <c>CROSS JOIN</c>, which keeps the order written).</summary>
    public string Join(bool inner, string innerJoin)
    {
        if (_parameters.Length == 1)
        {
            return $" {(inner ? innerJoin : "LEFT JOIN")} {Table} {Alias} ON {Alias}.run_id = r.id AND {Named}";
        }

        return $" LEFT JOIN {Table} {Alias} ON {Alias}.run_id = r.id AND {Named}"
            + $" LEFT JOIN {Table} {Alias}b ON {Alias}b.run_id = r.id AND {Alias}b.{_key} = {_parameters[1]}";
    }
}
