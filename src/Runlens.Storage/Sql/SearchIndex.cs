using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Runlens.Storage.Search;

namespace Runlens.Storage.Sql;

/// <summary>
/// The <c>run_metrics</c> table that run search reads: for every run, one row per name a search can give a metric
/// (<see cref="MetricVocabulary"/>) with the latest value of the series that name resolves to on that run — the name it
/// was logged under, and its key when no other series was logged under that key — so a filter or an order on a metric
/// is one indexed lookup, and the first page of a search ordered by a metric walks the index <c>(name, value)</c>.
/// NaN is NULL. A row is flagged <c>differs</c> when the name's normalised form resolves to another series (or none)
/// on that run: only then does a search for that name have to look at both names on every run.
/// </summary>
internal static class SearchIndex
{
    /// <summary>Rows per multi-row statement (5 parameters each).</summary>
    private const int RowsPerStatement = 100;

    /// <summary>A series with points, as the index sees it.</summary>
    public readonly record struct Latest(string Key, string Original, double Value);

    /// <summary>A row of the index.</summary>
    public readonly record struct Row(string Name, string SeriesKey, double Value, bool Differs);

    /// <summary>The rows of one run: each series under its logged name, then under its key where no series was logged
    /// under that key; of two series logged under one name, the one with the smaller key.</summary>
    public static List<Row> Rows(IEnumerable<Latest> series)
    {
        var sorted = series.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var byName = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var s in sorted)
        {
            byName.TryAdd(s.Original, new Row(s.Original, s.Key, s.Value, false));
        }

        foreach (var s in sorted)
        {
            byName.TryAdd(s.Key, new Row(s.Key, s.Key, s.Value, false));
        }

        return [.. byName.Values.Select(row =>
        {
            var normalized = MetricVocabulary.Normalize(row.Name);
            var differs = normalized != row.Name && (!byName.TryGetValue(normalized, out var other) || other.SeriesKey != row.SeriesKey);
            return row with { Differs = differs };
        })];
    }

    /// <summary>Writes the run's rows again from its series table (after its set of series with points changed).</summary>
    public static async Task RebuildAsync(DbConnection connection, DbTransaction tx, string runId, CancellationToken cancellationToken)
    {
        var series = new List<Latest>();
        await using (var read = SqlRunStore.Command(connection, tx,
            "SELECT key, original_name, latest_value FROM series WHERE run_id = @id AND latest_step IS NOT NULL", ("@id", runId)))
        await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                series.Add(new Latest(r.GetString(0), r.GetString(1), SqlRunStore.Decode(r, 2)));
            }
        }

        await using (var delete = SqlRunStore.Command(connection, tx, "DELETE FROM run_metrics WHERE run_id = @id", ("@id", runId)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertAsync(connection, tx, [.. Rows(series).Select(row => (runId, row))], upsert: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>New latest values of series whose run keeps the same set of series with points: each row of those
    /// series takes its series' value; a row a name gives another series is left alone.</summary>
    public static Task UpdateValuesAsync(DbConnection connection, DbTransaction tx, string runId, IEnumerable<Latest> changed, CancellationToken cancellationToken) =>
        InsertAsync(connection, tx, [.. Rows(changed).Select(row => (runId, row))], upsert: true, cancellationToken);

    /// <summary>Builds the whole index (a store written before it existed): every run's rows from its series.</summary>
    public static async Task BuildAllAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        await using (var clear = SqlRunStore.Command(connection, tx, "DELETE FROM run_metrics"))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var rows = new List<(string, Row)>();
        await using (var read = SqlRunStore.Command(connection, tx,
            "SELECT run_id, key, original_name, latest_value FROM series WHERE latest_step IS NOT NULL ORDER BY run_id"))
        await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            string? run = null;
            var series = new List<Latest>();
            while (true)
            {
                var more = await r.ReadAsync(cancellationToken).ConfigureAwait(false);
                var id = more ? r.GetString(0) : null;
                if (run is not null && id != run)
                {
                    rows.AddRange(Rows(series).Select(row => (run, row)));
                    series.Clear();
                }

                if (!more)
                {
                    break;
                }

                run = id;
                series.Add(new Latest(r.GetString(1), r.GetString(2), SqlRunStore.Decode(r, 3)));
            }
        }

        await InsertAsync(connection, tx, rows, upsert: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction tx, List<(string RunId, Row Row)> rows, bool upsert, CancellationToken cancellationToken)
    {
        var commands = new Dictionary<int, DbCommand>();
        try
        {
            for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
            {
                var n = Math.Min(RowsPerStatement, rows.Count - offset);
                if (!commands.TryGetValue(n, out var cmd))
                {
                    var sql = new StringBuilder("INSERT INTO run_metrics (run_id, name, series_key, value, differs) VALUES ");
                    sql.AppendJoin(", ", Enumerable.Range(0, n).Select(i => string.Create(CultureInfo.InvariantCulture, $"(@r{i}, @n{i}, @k{i}, @v{i}, @d{i})")));
                    if (upsert)
                    {
                        sql.Append(" ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value WHERE run_metrics.series_key = excluded.series_key");
                    }

                    cmd = SqlRunStore.Command(connection, tx, sql.ToString());
                    for (var i = 0; i < n; i++)
                    {
                        var at = i.ToString(CultureInfo.InvariantCulture);
                        SqlRunStore.AddParameter(cmd, "@r" + at, null, DbType.String);
                        SqlRunStore.AddParameter(cmd, "@n" + at, null, DbType.String);
                        SqlRunStore.AddParameter(cmd, "@k" + at, null, DbType.String);
                        SqlRunStore.AddParameter(cmd, "@v" + at, null, DbType.Double);
                        SqlRunStore.AddParameter(cmd, "@d" + at, null, DbType.Int32);
                    }

                    commands[n] = cmd;
                }

                for (var i = 0; i < n; i++)
                {
                    var (runId, row) = rows[offset + i];
                    var p = cmd.Parameters;
                    p[i * 5].Value = runId;
                    p[(i * 5) + 1].Value = row.Name;
                    p[(i * 5) + 2].Value = row.SeriesKey;
                    p[(i * 5) + 3].Value = SqlRunStore.Encode(row.Value);
                    p[(i * 5) + 4].Value = row.Differs ? 1 : 0;
                }

                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var cmd in commands.Values)
            {
                await cmd.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
