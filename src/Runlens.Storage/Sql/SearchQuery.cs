using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Runlens.Model;
using Runlens.Storage.Search;

namespace Runlens.Storage.Sql;

/// <summary>
/// A run search written as parameterised SQL for one database: the filter's comparisons as conditions on the run and on
/// the rows it joins (one per metric, parameter or tag named), the order as keys (see <see cref="SortKey"/>), and pages
/// as keyset conditions ("after this run"). A page is read one rank of the first key at a time (runs with a value, then
/// NaN, then none), so that within each the database can walk an index in order and stop at the page's end.
/// </summary>
internal sealed class SearchQuery
{
    private readonly SearchDialect _dialect;
    private readonly List<(string Name, object? Value, DbType Type)> _parameters = [];
    private readonly Dictionary<string, SearchSource> _sources = new(StringComparer.Ordinal);
    private readonly List<string> _conditions = [];
    private readonly IReadOnlyDictionary<string, MetricPlan> _metrics;
    private readonly List<SearchDriver> _drivers = [];

    public SearchQuery(SearchDialect dialect, RunSearch search, RunFilter filter, RunOrder order, IReadOnlyDictionary<string, MetricPlan> metrics)
    {
        _dialect = dialect;
        _metrics = metrics;
        Scope(search);
        foreach (var clause in filter.Clauses)
        {
            _conditions.Add(Condition(clause));
        }

        var keys = order.Clauses.Select(c => Key(c.Key, c.Ascending)).ToList();
        keys.Add(new SortKey("r.start_ms", "r.start_ms IS NOT NULL", false, false, SortValueKind.Long, null));
        // a key already ordered by decides every tie itself: a second one (start time after order_by start_time) only
        // keeps the database from walking the first key's index
        Keys = [.. keys.Where((key, i) => !keys.Take(i).Any(k => k.Value == key.Value))];
    }

    /// <summary>The order keys: the order_by clauses, then start time (newest first); the run id decides ties.</summary>
    public IReadOnlyList<SortKey> Keys { get; }

    /// <summary>Conditions of the filter an index can start a search from (see <see cref="SearchDriver"/>).</summary>
    public IReadOnlyList<SearchDriver> Drivers => _drivers;

    /// <summary>Reads up to <paramref name="limit"/> runs of one rank of the first key, after <paramref name="after"/>
    /// (a position of that rank) when given: each row is the run id, then each key's rank and value. Where the database
    /// keeps the join order written, the search starts from <paramref name="driver"/> when given (then sorts what it
    /// finds), else walks the first key in order and stops at the page's end.</summary>
    public DbCommand Page(DbConnection connection, int rank, SearchPosition? after, int limit, SearchDriver? driver)
    {
        var first = Keys[0];
        var parameters = new List<(string, object?, DbType)>(_parameters);
        var sql = new StringBuilder("SELECT r.id");
        foreach (var key in Keys)
        {
            sql.Append(", ").Append(key.Rank ?? "0").Append(", ").Append(key.Value);
        }

        var conditions = new List<string>(_conditions);
        var lead = driver is not null ? driver.Source : first.Source is { InnerJoinable: true } s && rank < 2 ? s : null;
        var fenced = driver is not null && !_dialect.FixesJoinOrder;
        if (fenced)
        {
            // a database that plans the joins itself is made to start from the driver's runs: a materialised set
            sql.Insert(0, $"WITH d AS MATERIALIZED (SELECT {Rows(driver!, "run_id")}) ");
            sql.Append(" FROM d JOIN runs r ON r.id = d.run_id");
            AppendJoins(sql, null, fixedOrder: false);
        }
        else
        {
            AppendFrom(sql, lead, conditions);
        }

        if (first.Condition(rank) is { } segment)
        {
            conditions.Add(segment);
        }

        if (after is not null)
        {
            conditions.Add(After(after, parameters));
        }

        AppendWhere(sql, conditions);
        var terms = new List<string>();
        foreach (var (key, i) in Keys.Select((k, i) => (k, i)))
        {
            if (i == 0 && rank != 0)
            {
                continue; // one rank: no value to order by
            }

            if (key.IsMetric && i > 0)
            {
                terms.Add(key.Rank!);
            }

            var value = key.Kind == SortValueKind.Text ? _dialect.Ordered(key.Value) : key.Value;
            if (fenced && i == 0)
            {
                // an expression no index orders: the driver's runs are sorted, not found by walking the key's index
                value = key.Kind == SortValueKind.Text ? _dialect.Ordered($"({key.Value} || '')") : $"({key.Value} + 0)";
            }

            terms.AddRange(_dialect.OrderTerms(value, key.Ascending, nullable: key.Present is not null && !(key.IsMetric || i == 0)));
        }

        terms.Add(_dialect.Ordered("r.id"));
        sql.Append(" ORDER BY ").AppendJoin(", ", terms);
        sql.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        return Command(connection, sql.ToString(), parameters);
    }

    /// <summary>Counts the runs a driver's condition selects, up to <paramref name="cap"/>: an index range, read no
    /// further than the cap.</summary>
    public DbCommand Probe(DbConnection connection, SearchDriver driver, int cap)
    {
        var sql = $"SELECT COUNT(*) FROM (SELECT {Rows(driver, "run_id")} LIMIT " + cap.ToString(CultureInfo.InvariantCulture) + ") x";
        return Command(connection, sql, _parameters);
    }

    /// <summary>The ids of the runs a driver's condition selects, as <paramref name="column"/>, and where they come from:
    /// <c>j0.run_id AS run_id FROM config j0 WHERE …</c>.</summary>
    private static string Rows(SearchDriver driver, string column) => driver.Source is { } source
        ? $"{source.Alias}.run_id AS {column} FROM {source.Table} {source.Alias} WHERE {source.Named} AND {driver.Condition}"
        : $"r.id AS {column} FROM runs r WHERE {driver.Condition}";

    /// <summary>Counts every run the search selects; the database picks where to start.</summary>
    public DbCommand Count(DbConnection connection)
    {
        var sql = new StringBuilder("SELECT COUNT(*)");
        var conditions = new List<string>(_conditions);
        AppendFrom(sql, null, conditions, requiredOnly: true, fixedOrder: false);
        AppendWhere(sql, conditions);
        return Command(connection, sql.ToString(), _parameters);
    }

    /// <summary>The position of a row <see cref="Page"/> read.</summary>
    public SearchPosition PositionOf(DbDataReader r)
    {
        var keys = new List<(int, string?)>();
        for (var i = 0; i < Keys.Count; i++)
        {
            var rank = Convert.ToInt32(r.GetValue(1 + (2 * i)), CultureInfo.InvariantCulture);
            var at = 2 + (2 * i);
            string? value = rank != 0 || r.IsDBNull(at) ? null : Keys[i].Kind switch
            {
                SortValueKind.Double => r.GetDouble(at).ToString("R", CultureInfo.InvariantCulture),
                SortValueKind.Long => Convert.ToInt64(r.GetValue(at), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                _ => r.GetString(at),
            };
            keys.Add((rank, value));
        }

        return new SearchPosition(keys, r.GetString(0));
    }

    private static DbCommand Command(DbConnection connection, string sql, IEnumerable<(string Name, object? Value, DbType Type)> parameters)
    {
        var cmd = SqlRunStore.Command(connection, null, sql);
        foreach (var (name, value, type) in parameters)
        {
            SqlRunStore.AddParameter(cmd, name, value, type);
        }

        return cmd;
    }

    /// <summary>FROM the runs and the rows joined to them; with <paramref name="lead"/> and a database that keeps the
    /// order written, FROM that row's table first.</summary>
    private void AppendFrom(StringBuilder sql, SearchSource? lead, List<string> conditions, bool requiredOnly = false, bool fixedOrder = true)
    {
        fixedOrder &= _dialect.FixesJoinOrder;
        if (fixedOrder && lead is not null)
        {
            sql.Append($" FROM {lead.Table} {lead.Alias} CROSS JOIN runs r ON r.id = {lead.Alias}.run_id");
            conditions.Add(lead.Named);
        }
        else
        {
            sql.Append(" FROM runs r");
        }

        AppendJoins(sql, lead, fixedOrder, requiredOnly);
    }

    /// <summary>The rows joined to the runs (all but <paramref name="lead"/> when it is first in a fixed order).</summary>
    private void AppendJoins(StringBuilder sql, SearchSource? lead, bool fixedOrder, bool requiredOnly = false)
    {
        foreach (var source in _sources.Values)
        {
            if ((requiredOnly && !source.Required) || (fixedOrder && source == lead))
            {
                continue;
            }

            sql.Append(source.Join(source.InnerJoinable && (source.Required || source == lead), fixedOrder ? "CROSS JOIN" : "JOIN"));
        }
    }

    private static void AppendWhere(StringBuilder sql, List<string> conditions)
    {
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions.Select(c => "(" + c + ")"));
        }
    }

    /// <summary>"After this position" for a page of the position's first-key rank: the rows whose keys come later in
    /// the order, key by key, then by run id.</summary>
    private string After(SearchPosition after, List<(string, object?, DbType)> parameters)
    {
        string Bind(object? value, DbType type)
        {
            var name = "@a" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add((name, value, type));
            return name;
        }

        object Typed(SortKey key, string text) => key.Kind switch
        {
            SortValueKind.Double => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            SortValueKind.Long => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
            _ => text,
        };

        DbType TypeOf(SortKey key) => key.Kind switch
        {
            SortValueKind.Double => DbType.Double,
            SortValueKind.Long => DbType.Int64,
            _ => DbType.String,
        };

        string Later(SortKey key, string parameter) =>
            $"{(key.Kind == SortValueKind.Text ? _dialect.Ordered(key.Value) : key.Value)} {(key.Ascending ? ">" : "<")} {parameter}";

        // built from the last key back to the first
        var condition = $"{_dialect.Ordered("r.id")} > {Bind(after.Id, DbType.String)}";
        for (var i = Keys.Count - 1; i >= 0; i--)
        {
            var key = Keys[i];
            var (rank, text) = after.Keys[i];
            if (rank == 0 && text is not null)
            {
                var value = Bind(Typed(key, text), TypeOf(key));
                condition = $"{Later(key, value)} OR ({key.Value} = {value} AND ({condition}))";
                if (i == 0)
                {
                    // a bound the database can seek to in the first key's index
                    condition = $"{(key.Kind == SortValueKind.Text ? _dialect.Ordered(key.Value) : key.Value)} {(key.Ascending ? ">=" : "<=")} {value} AND ({condition})";
                }
            }

            if (i > 0 && key.Rank is { } r)
            {
                var bound = Bind(rank, DbType.Int32);
                condition = $"{r} > {bound} OR ({r} = {bound} AND ({condition}))";
            }
        }

        return condition;
    }

    private string Bind(object? value, DbType type)
    {
        var name = "@p" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add((name, value, type));
        return name;
    }

    private void Scope(RunSearch search)
    {
        switch (search.Active, search.Deleted)
        {
            case (true, false):
                _conditions.Add("r.lifecycle <> 'deleted'");
                break;
            case (false, true):
                _conditions.Add("r.lifecycle = 'deleted'");
                break;
            case (false, false):
                _conditions.Add("1 = 0");
                break;
        }

        if (search.Experiments is { } experiments)
        {
            var named = experiments.Distinct(StringComparer.Ordinal).Select(e => Bind(e, DbType.String)).ToList();
            var parts = new List<string>();
            if (named.Count > 0)
            {
                parts.Add($"r.experiment IN ({string.Join(", ", named)})");
            }

            if (experiments.Contains(Experiment.DefaultName, StringComparer.Ordinal))
            {
                parts.Add("r.experiment IS NULL");
            }

            _conditions.Add(parts.Count == 0 ? "1 = 0" : string.Join(" OR ", parts));
            if (parts.Count > 0)
            {
                _drivers.Add(new SearchDriver(null, string.Join(" OR ", parts)));
            }
        }

        if (search.Status is { } status)
        {
            _conditions.Add($"r.status = {Bind((int)status, DbType.Int32)}");
        }

        if (!string.IsNullOrEmpty(search.NameContains))
        {
            var text = Bind(_dialect.ContainsValue(search.NameContains), DbType.String);
            _conditions.Add($"{_dialect.Contains("r.name", text)} OR {_dialect.Contains("r.id", text)}");
        }
    }

    private SearchSource Source(SearchKey key)
    {
        var id = key.Entity switch
        {
            SearchEntity.Metric => "m:" + _metrics[key.Name].Name,
            SearchEntity.Param => "p:" + key.Name,
            _ => "t:" + key.Name,
        };
        if (!_sources.TryGetValue(id, out var source))
        {
            var alias = "j" + _sources.Count.ToString(CultureInfo.InvariantCulture);
            source = key.Entity switch
            {
                SearchEntity.Metric => SearchSource.Metric(alias, Bind(_metrics[key.Name].Name, DbType.String),
                    _metrics[key.Name].Fallback is { } fallback ? Bind(fallback, DbType.String) : null),
                SearchEntity.Param => SearchSource.Param(alias, Bind(key.Name, DbType.String)),
                _ => SearchSource.Tag(alias, Bind(key.Name, DbType.String)),
            };
            _sources[id] = source;
        }

        return source;
    }

    private SortKey Key(SearchKey key, bool ascending)
    {
        if (key.Entity != SearchEntity.Attribute)
        {
            var source = Source(key);
            return new SortKey(source.Value, source.Present, source.IsMetric, ascending, source.IsMetric ? SortValueKind.Double : SortValueKind.Text, source)
            {
                OftenTies = !source.IsMetric,
            };
        }

        return key.Name switch
        {
            SearchKey.StartTime => new SortKey("r.start_ms", "r.start_ms IS NOT NULL", false, ascending, SortValueKind.Long, null),
            SearchKey.EndTime => new SortKey("r.end_ms", "r.end_ms IS NOT NULL", false, ascending, SortValueKind.Long, null),
            SearchKey.UserId => new SortKey("r.user_id", "r.user_id IS NOT NULL", false, ascending, SortValueKind.Text, null) { OftenTies = true },
            SearchKey.RunName => new SortKey("r.name", null, false, ascending, SortValueKind.Text, null),
            SearchKey.RunId => new SortKey("r.id", null, false, ascending, SortValueKind.Text, null),
            SearchKey.Status => new SortKey(StatusName, null, false, ascending, SortValueKind.Text, null) { OftenTies = true },
            _ => throw new SearchSyntaxException($"Ordering by attribute '{key.Written}' is not supported."),
        };
    }

    /// <summary>The run's status as MLflow names it, as SQL.</summary>
    private static string StatusName =>
        "CASE r.status " + string.Concat(Enum.GetValues<RunStatus>().Select(s => string.Create(CultureInfo.InvariantCulture, $"WHEN {(int)s} THEN '{MlflowStatus.Name(s)}' "))) + "END";

    private string Condition(FilterClause clause)
    {
        switch (clause)
        {
            case RunIdListClause list:
                {
                    var ids = list.Ids.Select(id => Bind(id, DbType.String)).ToList();
                    return $"r.id {(list.Negated ? "NOT IN" : "IN")} ({string.Join(", ", ids)})";
                }

            case NumericClause numeric when numeric.Key.Entity == SearchEntity.Metric:
                {
                    var source = Source(numeric.Key);
                    source.Required = true;
                    var value = Bind(numeric.Value, DbType.Double);
                    var present = source.InnerJoinable ? "" : source.Present + " AND ";
                    if (numeric.Comparator == SearchComparator.NotEqual)
                    {
                        return $"{present}({source.Value} IS NULL OR {source.Value} <> {value})";
                    }

                    var condition = $"{source.Value} {SearchComparators.Text(numeric.Comparator)} {value}";
                    if (source.InnerJoinable)
                    {
                        _drivers.Add(new SearchDriver(source, condition));
                    }

                    return present + condition;
                }

            case NumericClause time:
                {
                    var column = time.Key.Name == SearchKey.StartTime ? "r.start_ms" : "r.end_ms";
                    return $"{column} {SearchComparators.Text(time.Comparator)} {Bind(time.Value, DbType.Double)}";
                }

            case TextClause text when text.Key.Entity is SearchEntity.Param or SearchEntity.Tag:
                {
                    var source = Source(text.Key);
                    source.Required = true;
                    var condition = Compare(source.Value, text);
                    if (text.Comparator == SearchComparator.Equal)
                    {
                        _drivers.Add(new SearchDriver(source, condition));
                    }

                    return condition;
                }

            case TextClause status when status.Key.Name == SearchKey.Status && status.Comparator is SearchComparator.Equal or SearchComparator.NotEqual:
                {
                    if (!MlflowStatus.TryParse(status.Value, out var known))
                    {
                        return status.Comparator == SearchComparator.Equal ? "1 = 0" : "1 = 1";
                    }

                    return $"r.status {(status.Comparator == SearchComparator.Equal ? "=" : "<>")} {Bind((int)known, DbType.Int32)}";
                }

            case TextClause attribute:
                {
                    var column = attribute.Key.Name switch
                    {
                        SearchKey.RunName => "r.name",
                        SearchKey.RunId => "r.id",
                        SearchKey.UserId => "r.user_id",
                        SearchKey.Status => StatusName,
                        _ => throw new SearchSyntaxException($"Filtering by attribute '{attribute.Key.Written}' is not supported."),
                    };
                    return Compare(column, attribute);
                }

            default:
                throw new InvalidOperationException("Unknown filter clause " + clause.GetType().Name);
        }
    }

    private string Compare(string column, TextClause clause) => clause.Comparator switch
    {
        SearchComparator.Equal => $"{column} = {Bind(clause.Value, DbType.String)}",
        SearchComparator.NotEqual => $"{column} <> {Bind(clause.Value, DbType.String)}",
        _ => _dialect.Like(column, Bind(_dialect.LikeValue(clause.Pattern!, clause.Comparator == SearchComparator.ILike), DbType.String),
            clause.Comparator == SearchComparator.ILike),
    };
}
