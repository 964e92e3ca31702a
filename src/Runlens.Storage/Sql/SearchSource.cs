namespace Runlens.Storage.Sql;

/// <summary>A table a search joins to each run: a metric (<c>run_metrics</c>, one name or a name and its fallback), a
/// parameter (<c>config</c>) or a tag (<c>tags</c>), by name.</summary>
internal sealed class SearchSource
{
    private readonly string _table;
    private readonly string _column;
    private readonly string[] _parameters;

    private SearchSource(string alias, string table, string column, string[] parameters, bool metric)
    {
        Alias = alias;
        _table = table;
        _column = column;
        _parameters = parameters;
        IsMetric = metric;
    }

    public string Alias { get; }

    public bool IsMetric { get; }

    /// <summary>A filter needs the row: the join is inner.</summary>
    public bool Required { get; set; }

    /// <summary>The joined value: the metric's latest value (NULL for NaN), the parameter's or the tag's text.</summary>
    public string Value => _parameters.Length == 1 ? $"{Alias}.{_column}" : $"CASE WHEN {Alias}.run_id IS NOT NULL THEN {Alias}.{_column} ELSE {Alias}b.{_column} END";

    /// <summary>True where the run has the row.</summary>
    public string Present => _parameters.Length == 1 ? $"{Alias}.run_id IS NOT NULL" : $"({Alias}.run_id IS NOT NULL OR {Alias}b.run_id IS NOT NULL)";

    /// <summary>Runs without the row rank 2; a metric whose latest value is NaN ranks 1; a value ranks 0.</summary>
    public string Rank => IsMetric
        ? $"CASE WHEN NOT {Present} THEN 2 WHEN {Value} IS NULL THEN 1 ELSE 0 END"
        : $"CASE WHEN {Present} THEN 0 ELSE 2 END";

    public static SearchSource Metric(string alias, string parameter, string? fallbackParameter) =>
        new(alias, "run_metrics", "value", fallbackParameter is null ? [parameter] : [parameter, fallbackParameter], metric: true);

    public static SearchSource Param(string alias, string parameter) => new(alias, "config", "text", [parameter], metric: false);

    public static SearchSource Tag(string alias, string parameter) => new(alias, "tags", "value", [parameter], metric: false);

    /// <summary>The join(s); inner only for a single-name source (a fallback pair is two outer joins and
    /// <see cref="Present"/>).</summary>
    public string Join(bool inner)
    {
        var key = _table == "run_metrics" ? "name" : "key";
        if (_parameters.Length == 1)
        {
            return $" {(inner ? "JOIN" : "LEFT JOIN")} {_table} {Alias} ON {Alias}.run_id = r.id AND {Alias}.{key} = {_parameters[0]}";
        }

        return $" LEFT JOIN {_table} {Alias} ON {Alias}.run_id = r.id AND {Alias}.{key} = {_parameters[0]}"
            + $" LEFT JOIN {_table} {Alias}b ON {Alias}b.run_id = r.id AND {Alias}b.{key} = {_parameters[1]}";
    }

    /// <summary>Whether an inner join already guarantees the row (else <see cref="Present"/> must be said).</summary>
    public bool InnerJoinable => _parameters.Length == 1;
}
