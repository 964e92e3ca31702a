using System.Data.Common;
using System.Globalization;
using Runlens.Model;
using Runlens.Storage.Search;

namespace Runlens.Storage.Sql;

/// <summary>Run search (see <see cref="IRunSearch"/>, <see cref="SearchQuery"/>) and a run's attachments
/// (<see cref="IRunAttachments"/>).</summary>
public abstract partial class SqlRunStore
{
    private const string DiagnosisKind = "diagnosis";
    private const string SummaryName = "summary";

    /// <summary>A filter condition that selects fewer runs than this is where a search starts (<see cref="DriverAsync"/>)...</summary>
    private const int DriverCap = 2_000;

    /// <summary>... or fewer than this when the first order key often ties (a parameter, a tag, the status): walking it
    /// in order reads a whole group of equal values before the page can be sorted.</summary>
    private const int TiedDriverCap = 25_000;

    /// <summary>Tests turn it off to walk the order every time.</summary>
    internal bool ChooseDriver { get; set; } = true;

    /// <summary>How this backend writes the parts of a search that differ between databases.</summary>
    internal abstract SearchDialect Dialect { get; }

    public async Task<RunPage> SearchRunsAsync(RunSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Offset);
        var filter = RunFilter.Parse(search.Filter);
        var order = RunOrder.Parse(search.OrderBy);
        var digest = SearchPageToken.Digest(search);
        var token = string.IsNullOrEmpty(search.PageToken) ? null : SearchPageToken.Decode(search.PageToken);
        var otherSearch = new SearchSyntaxException(
            "The page token belongs to another search (its filter, order, experiments or view differ); search again without a page token.");
        if (token?.After is not null && token.Search != digest)
        {
            throw otherSearch;
        }

        await FlushAllPendingAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var plans = await PlanAsync(connection, filter, order, search.StrictNames, cancellationToken).ConfigureAwait(false);
        var query = new SearchQuery(Dialect, search, filter, order, plans);
        if (token?.After is { } position && position.Keys.Count != query.Keys.Count)
        {
            throw otherSearch;
        }

        // An offset (a page picked by number, or MLflow's own token) skips runs; a Runlens token starts after a run.
        var skip = token is null ? search.Offset : token.After is null ? token.Offset : 0;
        var want = (int)Math.Min(int.MaxValue, skip + search.PageSize + 1L);
        var rows = new List<SearchPosition>();
        var fromRank = token?.After?.Keys[0].Rank ?? 0;
        var driver = await DriverAsync(connection, query, cancellationToken).ConfigureAwait(false);
        foreach (var rank in query.Keys[0].Ranks.Where(r => r >= fromRank))
        {
            var after = token?.After is { } a && a.Keys[0].Rank == rank ? a : null;
            await using var cmd = query.Page(connection, rank, after, want - rows.Count, driver);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(query.PositionOf(r));
            }

            if (rows.Count >= want)
            {
                break;
            }
        }

        var page = rows.Skip((int)Math.Min(skip, int.MaxValue)).Take(search.PageSize).ToList();
        var next = rows.Count > skip + search.PageSize
            ? new SearchPageToken((token?.Offset ?? search.Offset) + page.Count, page[^1], digest).Encode()
            : null;
        var records = await ReadRecordsByIdAsync(connection, [.. page.Select(p => p.Id)], cancellationToken).ConfigureAwait(false);
        long? total = null;
        if (search.CountTotal)
        {
            await using var count = query.Count(connection);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        return new RunPage(records, next, total);
    }

    public async Task<StoredUpload?> GetPredictionsAsync(string runId, string role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(role);
        foreach (var format in StoredPredictions.Formats)
        {
            var name = role + "." + format;
            if (await GetBlobAsync(runId, StoredPredictions.Kind, name, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                return new StoredUpload(name, $"run {runId}: uploaded {name}", format, bytes);
            }
        }

        return null;
    }

    public Task PutPredictionsAsync(string runId, string role, string format, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!StoredPredictions.Roles.Contains(role, StringComparer.Ordinal) || !StoredPredictions.Formats.Contains(format, StringComparer.Ordinal))
        {
            throw new ArgumentException($"predictions are {string.Join(" or ", StoredPredictions.Roles)}, in {string.Join(" or ", StoredPredictions.Formats)}; got {role}.{format}");
        }

        return ApplyAsync(runId, new RunChanges { Blobs = [StoredPredictions.Blob(role, format, bytes)] }, cancellationToken);
    }

    public Task<byte[]?> GetDiagnosisSummaryAsync(string runId, CancellationToken cancellationToken = default) =>
        GetBlobAsync(runId, DiagnosisKind, SummaryName, cancellationToken);

    public Task PutDiagnosisSummaryAsync(string runId, byte[] summary, CancellationToken cancellationToken = default) =>
        ApplyAsync(runId, new RunChanges { Blobs = [new RunBlob(DiagnosisKind, SummaryName, summary)], Derived = true }, cancellationToken);

    /// <summary>Where a database that keeps the join order written (SQLite) starts: from the filter condition that
    /// selects fewest runs when it selects fewer than <see cref="DriverCap"/> (they are then found by their index and
    /// sorted), else by walking the first order key in order until the page is full — fast when matching runs are common,
    /// and never a sort of a large share of the store. PostgreSQL's planner makes this choice itself, from its
    /// statistics, except where the first order key often ties: it then walks a whole group of equal values, so the same
    /// choice is made for it.</summary>
    private async Task<SearchDriver?> DriverAsync(DbConnection connection, SearchQuery query, CancellationToken cancellationToken)
    {
        if (!ChooseDriver || (!Dialect.FixesJoinOrder && !query.Keys[0].OftenTies))
        {
            return null;
        }

        var cap = query.Keys[0].OftenTies ? TiedDriverCap : DriverCap;
        (SearchDriver? Driver, long Count) best = (null, cap);
        foreach (var driver in query.Drivers)
        {
            await using var probe = query.Probe(connection, driver, cap);
            var count = Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (count < best.Count)
            {
                best = (driver, count);
            }
        }

        return best.Driver;
    }

    /// <summary>How each metric name of the search is read (<see cref="MetricPlan"/>); with <paramref name="strict"/>, a
    /// metric, parameter or tag no run has is an error naming those that exist.</summary>
    private static async Task<Dictionary<string, MetricPlan>> PlanAsync(DbConnection connection, RunFilter filter, RunOrder order, bool strict, CancellationToken cancellationToken)
    {
        var keys = filter.Clauses.Select(c => c switch
        {
            NumericClause n => n.Key,
            TextClause t => t.Key,
            _ => null,
        }).OfType<SearchKey>().Concat(order.Clauses.Select(c => c.Key)).ToList();
        var plans = new Dictionary<string, MetricPlan>(StringComparer.Ordinal);
        var checkedNames = new HashSet<(SearchEntity, string)>();
        foreach (var key in keys)
        {
            if (key.Entity == SearchEntity.Attribute || !checkedNames.Add((key.Entity, key.Name)))
            {
                continue;
            }

            if (key.Entity == SearchEntity.Metric)
            {
                var name = key.Name;
                var normalized = MetricVocabulary.Normalize(name);
                await using var cmd = Command(connection, null,
                    "SELECT EXISTS (SELECT 1 FROM run_metrics WHERE name = @n), EXISTS (SELECT 1 FROM run_metrics WHERE name = @k), "
                    + "EXISTS (SELECT 1 FROM run_metrics WHERE name = @n AND differs = 1)", ("@n", name), ("@k", normalized));
                bool hasName, hasNormalized, differs;
                await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    await r.ReadAsync(cancellationToken).ConfigureAwait(false);
                    (hasName, hasNormalized, differs) = (Flag(r, 0), Flag(r, 1), Flag(r, 2));
                }

                if (!hasName && !hasNormalized && strict)
                {
                    throw UnknownNames.Error(Written("metrics", key), "a metric", name, normalized,
                        await NamesAsync(connection, "run_metrics", "name", cancellationToken).ConfigureAwait(false));
                }

                plans[name] = normalized == name || (!hasName && !hasNormalized) ? new MetricPlan(name, null)
                    : differs ? new MetricPlan(name, normalized)
                    : new MetricPlan(normalized, null);
            }
            else if (strict)
            {
                var (table, what, prefix) = key.Entity == SearchEntity.Param ? ("config", "a parameter", "params") : ("tags", "a tag", "tags");
                await using var cmd = Command(connection, null, $"SELECT EXISTS (SELECT 1 FROM {table} WHERE key = @k)", ("@k", key.Name));
                if (!Flag(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)))
                {
                    throw UnknownNames.Error(Written(prefix, key), what, key.Name, null,
                        await NamesAsync(connection, table, "key", cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return plans;
    }

    private static string Written(string prefix, SearchKey key) =>
        prefix + "." + (key.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? key.Name : $"\"{key.Name}\"");

    private static bool Flag(DbDataReader r, int i) => Flag(r.GetValue(i));

    private static bool Flag(object? value) => value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;

    /// <summary>The distinct values of an indexed column, one index seek each (not a scan of every row).</summary>
    private static async Task<List<string>> NamesAsync(DbConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var cmd = Command(connection, null, $"""
            WITH RECURSIVE n (x) AS (SELECT MIN({column}) FROM {table}
                UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > n.x) FROM n WHERE n.x IS NOT NULL)
            SELECT x FROM n WHERE x IS NOT NULL LIMIT 10000
            """);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(r.GetString(0));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The runs with these ids, in this order, with params, tags and latest metrics.</summary>
    private static async Task<List<RunRecord>> ReadRecordsByIdAsync(DbConnection connection, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var inList = string.Join(", ", ids.Select((_, i) => "@i" + i.ToString(CultureInfo.InvariantCulture)));
        DbCommand For(string sql)
        {
            var cmd = Command(connection, null, sql.Replace("@ids", inList, StringComparison.Ordinal));
            for (var i = 0; i < ids.Count; i++)
            {
                AddParameter(cmd, "@i" + i.ToString(CultureInfo.InvariantCulture), ids[i]);
            }

            return cmd;
        }

        var runs = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        await using (var cmd = For("SELECT id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, user_id, lifecycle FROM runs WHERE id IN (@ids)"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[r.GetString(0)] = new RunRecord(r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3), r.GetString(4), r.GetString(5), (RunStatus)r.GetInt32(6),
                    Time(r, 7), Time(r, 8), Text(r, 9), r.GetString(10),
                    new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal),
                    new Dictionary<string, LatestMetric>(StringComparer.Ordinal));
            }
        }

        async Task FillAsync(string sql, Action<RunRecord, DbDataReader> add)
        {
            await using var cmd = For(sql);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                add(runs[r.GetString(0)], r);
            }
        }

        await FillAsync("SELECT run_id, key, text FROM config WHERE run_id IN (@ids)",
            (run, r) => ((Dictionary<string, string>)run.Params)[r.GetString(1)] = r.GetString(2)).ConfigureAwait(false);
        await FillAsync("SELECT run_id, key, value FROM tags WHERE run_id IN (@ids)",
            (run, r) => ((Dictionary<string, string>)run.Tags)[r.GetString(1)] = r.GetString(2)).ConfigureAwait(false);
        // Of two series logged under one name (possible in imports), the one with the smaller key, as the search index has it.
        await FillAsync("SELECT run_id, original_name, latest_value, latest_step, latest_wall, key FROM series WHERE run_id IN (@ids) AND latest_step IS NOT NULL",
            (run, r) =>
            {
                var metrics = (Dictionary<string, LatestMetric>)run.Metrics;
                var metric = new LatestMetric(Decode(r, 2), r.GetInt64(3), Milliseconds(Decode(r, 4))) { Key = r.GetString(5) };
                if (!metrics.TryGetValue(r.GetString(1), out var other) || string.CompareOrdinal(metric.Key, other.Key) < 0)
                {
                    metrics[r.GetString(1)] = metric;
                }
            }).ConfigureAwait(false);
        return [.. ids.Where(runs.ContainsKey).Select(id => runs[id])];
    }
}
