using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Data.Common;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// The run store over any ADO.NET database, with the dialect details left to each backend (<see cref="Sqlite.SqliteRunStore"/>,
/// <see cref="Postgres.PostgresRunStore"/>). Runs and their config are rows; the trainer state, summary, checkpoints,
/// dataset sizes and events are one JSON document per run; points are stored in chunks of 1,024 (see
/// <see cref="PointChunk"/>) with each chunk's extremes precomputed. Saving is one transaction per run and chunks are
/// keyed by (run, series, chunk): saving the same run twice adds nothing, and saving it again with more points (a run
/// still writing) replaces only the chunks that grew. NaN is stored as NULL in every backend.
/// </summary>
public abstract class SqlRunStore : IRunStore
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly DbConnection _connection;

    protected SqlRunStore(DbConnection connection)
    {
        _connection = connection;
    }

    /// <summary>Runs the backend's schema SQL (tables created when they do not exist).</summary>
    protected async Task CreateSchemaAsync(string sql, CancellationToken cancellationToken)
    {
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SaveResult> SaveRunAsync(Run run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var tx = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        bool isNew;
        await using (var exists = Command(tx, "SELECT COUNT(*) FROM runs WHERE id = @id", ("@id", run.Identity.Id)))
        {
            isNew = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0;
        }

        var id = run.Identity;
        await using (var upsert = Command(tx, """
            INSERT INTO runs (id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, details, imported_at)
            VALUES (@id, @name, @experiment, @parent, @format, @path, @status, @start, @end, @details, @imported)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, experiment = excluded.experiment, parent_id = excluded.parent_id,
                status = excluded.status, started_at = excluded.started_at, ended_at = excluded.ended_at, details = excluded.details
            """,
            ("@id", id.Id), ("@name", id.Name), ("@experiment", id.Experiment), ("@parent", id.ParentId), ("@format", id.Source.Format),
            ("@path", id.Source.Path), ("@status", (int)run.Status), ("@start", id.Time.Start?.ToString("O")), ("@end", id.Time.End?.ToString("O")),
            ("@details", JsonSerializer.Serialize(RunDetails.Of(run), Json)), ("@imported", DateTimeOffset.UtcNow.ToString("O"))))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in run.Config.Values)
        {
            await using var c = Command(tx, "INSERT INTO config (run_id, key, kind, text, number) VALUES (@id, @key, @kind, @text, @number) "
                + "ON CONFLICT (run_id, key) DO UPDATE SET kind = excluded.kind, text = excluded.text, number = excluded.number",
                ("@id", id.Id), ("@key", key), ("@kind", (int)value.Kind), ("@text", value.Text), ("@number", double.IsFinite(value.Number) ? value.Number : null));
            c.Parameters["@number"].DbType = System.Data.DbType.Double;
            await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long before;
        await using (var count = Command(tx, "SELECT COALESCE(SUM(count), 0) FROM chunks WHERE run_id = @id", ("@id", id.Id)))
        {
            before = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        await using var seriesCmd = Command(tx, "INSERT INTO series (run_id, key, original_name) VALUES (@id, @key, @name) ON CONFLICT (run_id, key) DO NOTHING", ("@id", id.Id), ("@key", ""), ("@name", ""));
        await using var chunkCmd = Command(tx, """
            INSERT INTO chunks (run_id, key, chunk, count,
                min_seq, min_step, min_value, min_epoch, min_wall, max_seq, max_step, max_value, max_epoch, max_wall,
                nan_seq, nan_step, nan_value, nan_epoch, nan_wall, data)
            VALUES (@id, @key, @chunk, @count, @min_seq, @min_step, @min_value, @min_epoch, @min_wall,
                @max_seq, @max_step, @max_value, @max_epoch, @max_wall, @nan_seq, @nan_step, @nan_value, @nan_epoch, @nan_wall, @data)
            ON CONFLICT (run_id, key, chunk) DO UPDATE SET count = excluded.count,
                min_seq = excluded.min_seq, min_step = excluded.min_step, min_value = excluded.min_value, min_epoch = excluded.min_epoch, min_wall = excluded.min_wall,
                max_seq = excluded.max_seq, max_step = excluded.max_step, max_value = excluded.max_value, max_epoch = excluded.max_epoch, max_wall = excluded.max_wall,
                nan_seq = excluded.nan_seq, nan_step = excluded.nan_step, nan_value = excluded.nan_value, nan_epoch = excluded.nan_epoch, nan_wall = excluded.nan_wall,
                data = excluded.data
            WHERE excluded.count > chunks.count
            """, ("@id", id.Id));
        AddParameter(chunkCmd, "@key", null, System.Data.DbType.String);
        AddParameter(chunkCmd, "@chunk", null, System.Data.DbType.Int64);
        AddParameter(chunkCmd, "@count", null, System.Data.DbType.Int32);
        AddParameter(chunkCmd, "@data", null, System.Data.DbType.Binary);
        foreach (var name in Slots("min").Concat(Slots("max")).Concat(Slots("nan")))
        {
            AddParameter(chunkCmd, name, null, name.EndsWith("_seq", StringComparison.Ordinal) || name.EndsWith("_step", StringComparison.Ordinal)
                ? System.Data.DbType.Int64 : System.Data.DbType.Double);
        }

        foreach (var series in run.Series.Values)
        {
            seriesCmd.Parameters["@key"].Value = series.Key;
            seriesCmd.Parameters["@name"].Value = series.OriginalName;
            await seriesCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            chunkCmd.Parameters["@key"].Value = series.Key;
            for (var c = 0; c * PointChunk.Size < series.Count; c++)
            {
                PrepareChunk(chunkCmd, series, c);
                await chunkCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        long after;
        await using (var count = Command(tx, "SELECT COALESCE(SUM(count), 0) FROM chunks WHERE run_id = @id", ("@id", id.Id)))
        {
            after = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var added = after - before;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SaveResult(isNew, added);
    }

    public async Task<Run?> GetRunAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        string? runId = null;
        await using (var find = Command(null, "SELECT id FROM runs WHERE id = @x UNION ALL SELECT id FROM (SELECT id FROM runs WHERE name = @x LIMIT 2) AS named", ("@x", idOrName)))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var ids = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }

            runId = ids.Contains(idOrName) ? idOrName : ids.Count == 1 ? ids[0] : null;
        }

        if (runId is null)
        {
            return null;
        }

        RunIdentity identity;
        RunStatus status;
        RunDetails details;
        await using (var cmd = Command(null, "SELECT name, experiment, parent_id, format, source_path, status, started_at, ended_at, details FROM runs WHERE id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            identity = new RunIdentity(runId, r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), new RunSource(r.GetString(3), r.GetString(4)), r.IsDBNull(2) ? null : r.GetString(2))
            {
                Time = new StartEnd(r.IsDBNull(6) ? null : DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture),
                    r.IsDBNull(7) ? null : DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture)),
            };
            status = (RunStatus)r.GetInt32(5);
            details = JsonSerializer.Deserialize<RunDetails>(r.GetString(8), Json) ?? RunDetails.Empty;
        }

        var config = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        await using (var cmd = Command(null, "SELECT key, kind, text FROM config WHERE run_id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var text = r.GetString(2);
                config[r.GetString(0)] = (ConfigValueKind)r.GetInt32(1) switch
                {
                    ConfigValueKind.String => ConfigValue.Of(text),
                    _ => ConfigValue.Parse(text),
                };
            }
        }

        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = Command(null, "SELECT key, original_name FROM series WHERE run_id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names[r.GetString(0)] = r.GetString(1);
            }
        }

        foreach (var (key, original) in names)
        {
            series[key] = new Series(key, original, await ReadAllPointsAsync(runId, key, cancellationToken).ConfigureAwait(false));
        }

        return new Run
        {
            Identity = identity,
            Status = status,
            Config = RunConfig.From(config),
            Series = series.ToImmutable(),
            Summary = details.Summary.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Trainer = details.Trainer ?? TrainerState.Empty,
            Dataset = details.Dataset ?? DatasetStats.Empty,
            Checkpoints = [.. details.Checkpoints],
            Events = [.. details.Events],
        };
    }

    public async Task<Series?> ReadSeriesAsync(string runId, string key, int? maxPoints = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        if (maxPoints is < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "at least 4 points");
        }

        string original;
        await using (var cmd = Command(null, "SELECT original_name FROM series WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key)))
        {
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string name)
            {
                return null;
            }

            original = name;
        }

        long count;
        await using (var cmd = Command(null, "SELECT COALESCE(SUM(count), 0) FROM chunks WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key)))
        {
            count = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (maxPoints is null || count <= maxPoints)
        {
            return new Series(key, original, await ReadAllPointsAsync(runId, key, cancellationToken).ConfigureAwait(false));
        }

        // From the chunk summaries only: groups of consecutive chunks, each giving its lowest and highest point and its
        // first non-finite point; plus the first and last point of the series.
        var summaries = new List<(long Chunk, (long Seq, SeriesPoint P)? Min, (long Seq, SeriesPoint P)? Max, (long Seq, SeriesPoint P)? Nan)>();
        await using (var cmd = Command(null, """
            SELECT chunk, min_seq, min_step, min_value, min_epoch, min_wall, max_seq, max_step, max_value, max_epoch, max_wall,
                   nan_seq, nan_step, nan_value, nan_epoch, nan_wall
            FROM chunks WHERE run_id = @id AND key = @key ORDER BY chunk
            """, ("@id", runId), ("@key", key)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                summaries.Add((r.GetInt64(0), Slot(r, 1), Slot(r, 6), Slot(r, 11)));
            }
        }

        var buckets = Math.Max(1, (maxPoints.Value / 2) - 1);
        var perGroup = (summaries.Count + buckets - 1) / buckets;
        var picked = new SortedDictionary<long, SeriesPoint>();
        for (var g = 0; g < summaries.Count; g += perGroup)
        {
            var group = summaries.Skip(g).Take(perGroup).ToList();
            var min = group.Where(x => x.Min is not null).Select(x => x.Min!.Value).OrderBy(x => x.P.Value).ThenBy(x => x.Seq).Cast<(long, SeriesPoint)?>().FirstOrDefault();
            var max = group.Where(x => x.Max is not null).Select(x => x.Max!.Value).OrderByDescending(x => x.P.Value).ThenBy(x => x.Seq).Cast<(long, SeriesPoint)?>().FirstOrDefault();
            var nan = group.Where(x => x.Nan is not null).Select(x => x.Nan!.Value).Cast<(long, SeriesPoint)?>().FirstOrDefault();
            foreach (var p in new[] { min, max, nan })
            {
                if (p is { } x)
                {
                    picked[x.Item1] = x.Item2;
                }
            }
        }

        var first = await ReadChunkAsync(runId, key, summaries[0].Chunk, cancellationToken).ConfigureAwait(false);
        var last = await ReadChunkAsync(runId, key, summaries[^1].Chunk, cancellationToken).ConfigureAwait(false);
        picked[0] = first[0];
        picked[count - 1] = last[^1];
        var points = ImmutableArray.CreateRange(picked.Values);
        return new Series(key, original, points);
    }

    private async Task<ImmutableArray<SeriesPoint>> ReadAllPointsAsync(string runId, string key, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        await using var cmd = Command(null, "SELECT data FROM chunks WHERE run_id = @id AND key = @key ORDER BY chunk", ("@id", runId), ("@key", key));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            PointChunk.Unpack((byte[])r.GetValue(0), points);
        }

        return [.. points];
    }

    private async Task<List<SeriesPoint>> ReadChunkAsync(string runId, string key, long chunk, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        await using var cmd = Command(null, "SELECT data FROM chunks WHERE run_id = @id AND key = @key AND chunk = @chunk", ("@id", runId), ("@key", key), ("@chunk", chunk));
        if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] data)
        {
            PointChunk.Unpack(data, points);
        }

        return points;
    }

    /// <summary>Sets the parameters of one chunk's row (packed points and summaries).</summary>
    private static void PrepareChunk(DbCommand cmd, Series series, int c)
    {
        var part = series.Points.AsSpan().Slice(c * PointChunk.Size, Math.Min(PointChunk.Size, series.Count - (c * PointChunk.Size)));
        var (min, max, nonFinite) = PointChunk.Summary(part);
        cmd.Parameters["@chunk"].Value = (long)c;
        cmd.Parameters["@count"].Value = part.Length;
        cmd.Parameters["@data"].Value = PointChunk.Pack(part);
        SetSlot(cmd, "min", part, min, c);
        SetSlot(cmd, "max", part, max, c);
        SetSlot(cmd, "nan", part, nonFinite, c);
    }

    private static IEnumerable<string> Slots(string prefix) =>
        [$"@{prefix}_seq", $"@{prefix}_step", $"@{prefix}_value", $"@{prefix}_epoch", $"@{prefix}_wall"];

    private static void SetSlot(DbCommand cmd, string prefix, ReadOnlySpan<SeriesPoint> part, int index, int chunk)
    {
        var present = index >= 0;
        var p = present ? part[index] : default;
        cmd.Parameters[$"@{prefix}_seq"].Value = present ? ((long)chunk * PointChunk.Size) + index : DBNull.Value;
        cmd.Parameters[$"@{prefix}_step"].Value = present ? p.Step : DBNull.Value;
        cmd.Parameters[$"@{prefix}_value"].Value = present ? Encode(p.Value) : DBNull.Value;
        cmd.Parameters[$"@{prefix}_epoch"].Value = present ? Encode(p.Epoch) : DBNull.Value;
        cmd.Parameters[$"@{prefix}_wall"].Value = present ? Encode(p.WallTime) : DBNull.Value;
    }

    private static (long Seq, SeriesPoint P)? Slot(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : (r.GetInt64(i), new SeriesPoint(r.GetInt64(i + 1), Decode(r, i + 2), Decode(r, i + 3), Decode(r, i + 4)));

    public async Task<IReadOnlyList<StoredRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var cmd = Command(null, """
            SELECT r.id, r.name, r.experiment, r.parent_id, r.format, r.source_path, r.status, r.imported_at,
                   (SELECT COUNT(*) FROM series s WHERE s.run_id = r.id), (SELECT COALESCE(SUM(count), 0) FROM chunks c WHERE c.run_id = r.id)
            FROM runs r
            WHERE (@experiment IS NULL OR r.experiment = @experiment)
              AND (@name IS NULL OR lower(r.name) LIKE '%' || lower(@name) || '%' OR lower(r.id) LIKE '%' || lower(@name) || '%')
            ORDER BY r.imported_at DESC, r.id LIMIT @limit OFFSET @offset
            """,
            ("@experiment", query.Experiment), ("@name", query.NameContains), ("@limit", query.Limit), ("@offset", query.Offset));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredRun>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new StoredRun(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), (RunStatus)r.GetInt32(6), Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
                Convert.ToInt64(r.GetValue(9), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds a parameter; a null is typed as text unless <paramref name="type"/> says otherwise (PostgreSQL must
    /// know the type of every parameter, even a null one).</summary>
    private static void AddParameter(DbCommand cmd, string name, object? value, System.Data.DbType? type = null)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (type is { } t)
        {
            p.DbType = t;
        }
        else if (value is null)
        {
            p.DbType = System.Data.DbType.String;
        }

        cmd.Parameters.Add(p);
    }

    private DbCommand Command(DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(cmd, name, value);
        }

        return cmd;
    }

    // SQLite has no NaN: NaN is stored as NULL, ±Infinity as ±Infinity (REAL keeps them).
    private static object Encode(double v) => double.IsNaN(v) ? DBNull.Value : v;

    private static double Decode(DbDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);
}
