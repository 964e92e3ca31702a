using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>
/// The run store over any ADO.NET database, with the dialect details left to each backend (<see cref="Sqlite.SqliteRunStore"/>,
/// <see cref="Postgres.PostgresRunStore"/>). Runs, config, tags and series are rows; the trainer state, summary,
/// checkpoints, dataset sizes and events are one JSON document per run; points are stored in chunks of 1,024 (see
/// <see cref="PointChunk"/>) with each chunk's extremes and step range precomputed. Saving is one transaction per run
/// and chunks are keyed by (run, series, chunk): saving the same run twice adds nothing, and saving it again with more
/// points (a run still writing) replaces only the chunks that grew. NaN is stored as NULL in every backend. Every
/// operation takes its own pooled connection, so one store serves concurrent callers.
/// </summary>
public abstract partial class SqlRunStore : IRunlensStore
{
    /// <summary>The version of what search reads (<c>start_ms</c>, <c>end_ms</c>, <c>run_metrics</c>) that the
    /// <c>meta</c> table records once a store holds it.</summary>
    private const string SearchVersion = "1";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>An open connection from the backend's pool.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>What locks a selected row until the transaction ends (<c>FOR UPDATE</c>; SQLite's write transactions
    /// are exclusive already and say nothing).</summary>
    protected abstract string ForUpdate { get; }

    /// <summary>Runs SQL on a connection of its own (schema creation and upgrades).</summary>
    protected async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the Default experiment (id 0) when it is missing.</summary>
    protected async Task EnsureDefaultExperimentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureExperimentAsync(connection, tx, Experiment.DefaultName, cancellationToken, Experiment.DefaultId).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SQL that serialises store maintenance between processes, run first in its transaction (PostgreSQL's
    /// advisory lock; SQLite's write transactions are exclusive already).</summary>
    protected virtual string? MaintenanceLock => null;

    /// <summary>Fills what run search reads in a store written before search was in the store — each run's start and end
    /// in milliseconds and the <c>run_metrics</c> index (<see cref="SearchIndex"/>) — once; later writes keep them.</summary>
    protected async Task PrepareSearchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        const string Check = "SELECT value FROM meta WHERE key = 'search'";
        await using (var check = Command(connection, null, Check))
        {
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string == SearchVersion)
            {
                return;
            }
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (MaintenanceLock is { } lockSql)
        {
            await using var take = Command(connection, tx, lockSql);
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var again = Command(connection, tx, Check))
        {
            if (await again.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string == SearchVersion)
            {
                return;
            }
        }

        var times = new List<(string Id, DateTimeOffset? Start, DateTimeOffset? End)>();
        await using (var read = Command(connection, tx, "SELECT id, started_at, ended_at FROM runs WHERE (started_at IS NOT NULL AND start_ms IS NULL) OR (ended_at IS NOT NULL AND end_ms IS NULL)"))
        await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                times.Add((r.GetString(0), Time(r, 1), Time(r, 2)));
            }
        }

        foreach (var (id, start, end) in times)
        {
            await using var update = Command(connection, tx, "UPDATE runs SET start_ms = @s, end_ms = @e WHERE id = @id", ("@id", id));
            AddParameter(update, "@s", Milliseconds(start), System.Data.DbType.Int64);
            AddParameter(update, "@e", Milliseconds(end), System.Data.DbType.Int64);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await SearchIndex.BuildAllAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        await using (var mark = Command(connection, tx, "INSERT INTO meta (key, value) VALUES ('search', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("@v", SearchVersion)))
        {
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a run's pending log (small appends, see <see cref="PointAppender"/>) into its chunks, so that what
    /// is read next sees every point. Reads call it first; it costs one indexed lookup when there is nothing pending.</summary>
    protected async Task FlushPendingAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = Command(connection, null, "SELECT pending_blocks FROM runs WHERE id = @id", ("@id", runId)))
        {
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L, CultureInfo.InvariantCulture) == 0)
            {
                return;
            }
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockRun = Command(connection, tx, "SELECT id FROM runs WHERE id = @id" + ForUpdate, ("@id", runId)))
        {
            await lockRun.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        await PointAppender.FlushAsync(connection, tx, runId, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="FlushPendingAsync"/> for every run with a pending log (before a read across runs).</summary>
    protected async Task FlushAllPendingAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var cmd = Command(connection, null, "SELECT id FROM runs WHERE pending_blocks > 0"))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(r.GetString(0));
            }
        }

        foreach (var id in ids)
        {
            await FlushPendingAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<SaveResult> SaveRunAsync(Run run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        bool isNew;
        await using (var exists = Command(connection, tx, "SELECT COUNT(*) FROM runs WHERE id = @id", ("@id", run.Identity.Id)))
        {
            isNew = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0;
        }

        if (!isNew)
        {
            await PointAppender.FlushAsync(connection, tx, run.Identity.Id, cancellationToken).ConfigureAwait(false);
        }

        var id = run.Identity;
        await using (var upsert = Command(connection, tx, """
            INSERT INTO runs (id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, details, imported_at, lifecycle, start_ms, end_ms)
            VALUES (@id, @name, @experiment, @parent, @format, @path, @status, @start, @end, @details, @imported, 'active', @startms, @endms)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, experiment = excluded.experiment, parent_id = excluded.parent_id,
                status = excluded.status, started_at = excluded.started_at, ended_at = excluded.ended_at, details = excluded.details,
                start_ms = excluded.start_ms, end_ms = excluded.end_ms, revision = runs.revision + 1
            """,
            ("@id", id.Id), ("@name", id.Name), ("@experiment", id.Experiment), ("@parent", id.ParentId), ("@format", id.Source.Format),
            ("@path", id.Source.Path), ("@status", (int)run.Status), ("@start", Time(id.Time.Start)), ("@end", Time(id.Time.End)),
            ("@details", JsonSerializer.Serialize(RunDetails.Of(run), Json)), ("@imported", Time(DateTimeOffset.UtcNow))))
        {
            AddParameter(upsert, "@startms", Milliseconds(id.Time.Start), System.Data.DbType.Int64);
            AddParameter(upsert, "@endms", Milliseconds(id.Time.End), System.Data.DbType.Int64);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (id.Experiment is { } experiment)
        {
            await EnsureExperimentAsync(connection, tx, experiment, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in run.Config.Values)
        {
            await UpsertConfigAsync(connection, tx, id.Id, key, value.Kind, value.Text, value.Number, cancellationToken).ConfigureAwait(false);
        }

        var before = await PointCountAsync(connection, tx, id.Id, cancellationToken).ConfigureAwait(false);
        await using var chunks = new ChunkWriter(connection, tx, id.Id);
        foreach (var series in run.Series.Values)
        {
            var latest = Latest(series.Points.AsSpan());
            await using (var s = Command(connection, tx, """
                INSERT INTO series (run_id, key, original_name, latest_step, latest_wall, latest_value, next_chunk, tail_start, tail_count, tail_points)
                VALUES (@id, @key, @name, @step, @wall, @value, @next, @next, 0, 0)
                ON CONFLICT (run_id, key) DO UPDATE SET latest_step = excluded.latest_step, latest_wall = excluded.latest_wall, latest_value = excluded.latest_value,
                    next_chunk = CASE WHEN excluded.next_chunk > COALESCE(series.next_chunk, 0) THEN excluded.next_chunk ELSE series.next_chunk END,
                    tail_start = CASE WHEN excluded.next_chunk > COALESCE(series.next_chunk, 0) THEN excluded.next_chunk ELSE series.tail_start END
                """, ("@id", id.Id), ("@key", series.Key), ("@name", series.OriginalName)))
            {
                SetLatest(s, latest);
                AddParameter(s, "@next", (long)((series.Count + PointChunk.Size - 1) / PointChunk.Size), System.Data.DbType.Int64);
                await s.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var rows = new List<(string Key, long Chunk, ReadOnlyMemory<SeriesPoint> Points)>();
            for (var c = 0; c * PointChunk.Size < series.Count; c++)
            {
                rows.Add((series.Key, c, series.Points.AsMemory().Slice(c * PointChunk.Size, Math.Min(PointChunk.Size, series.Count - (c * PointChunk.Size)))));
            }

            await chunks.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
        }

        var added = await PointCountAsync(connection, tx, id.Id, cancellationToken).ConfigureAwait(false) - before;
        await SearchIndex.RebuildAsync(connection, tx, id.Id, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SaveResult(isNew, added);
    }

    public async Task<Run?> GetRunAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        string? runId;
        await using (var find = Command(connection, null, "SELECT id FROM runs WHERE id = @x UNION ALL SELECT id FROM (SELECT id FROM runs WHERE name = @x LIMIT 2) AS named", ("@x", idOrName)))
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

        await FlushPendingAsync(runId, cancellationToken).ConfigureAwait(false);
        RunIdentity identity;
        RunStatus status;
        RunDetails details;
        await using (var cmd = Command(connection, null, "SELECT name, experiment, parent_id, format, source_path, status, started_at, ended_at, details FROM runs WHERE id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            identity = new RunIdentity(runId, r.GetString(0), Text(r, 1), new RunSource(r.GetString(3), r.GetString(4)), Text(r, 2))
            {
                Time = new StartEnd(Time(r, 6), Time(r, 7)),
            };
            status = (RunStatus)r.GetInt32(5);
            details = JsonSerializer.Deserialize<RunDetails>(r.GetString(8), Json) ?? RunDetails.Empty;
        }

        var config = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        await using (var cmd = Command(connection, null, "SELECT key, kind, text FROM config WHERE run_id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var text = r.GetString(2);
                config[r.GetString(0)] = (ConfigValueKind)r.GetInt32(1) == ConfigValueKind.String ? ConfigValue.Of(text) : ConfigValue.Parse(text);
            }
        }

        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var cmd = Command(connection, null, "SELECT key, original_name FROM series WHERE run_id = @id", ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names[r.GetString(0)] = r.GetString(1);
            }
        }

        foreach (var (key, original) in names)
        {
            series[key] = new Series(key, original, await ReadAllPointsAsync(connection, runId, key, cancellationToken).ConfigureAwait(false));
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

        await FlushPendingAsync(runId, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await SeriesNameAsync(connection, runId, key, cancellationToken).ConfigureAwait(false) is not { } name)
        {
            return null;
        }

        (key, var original) = name;

        long count;
        await using (var cmd = Command(connection, null, "SELECT COALESCE(SUM(count), 0) FROM chunks WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key)))
        {
            count = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (maxPoints is null || count <= maxPoints)
        {
            return new Series(key, original, await ReadAllPointsAsync(connection, runId, key, cancellationToken).ConfigureAwait(false));
        }

        // From the chunk summaries only: groups of consecutive chunks, each giving its lowest and highest point and its
        // first non-finite point; plus the first and last point of the series.
        var summaries = new List<(long Chunk, (long Seq, SeriesPoint P)? Min, (long Seq, SeriesPoint P)? Max, (long Seq, SeriesPoint P)? Nan)>();
        await using (var cmd = Command(connection, null, """
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

        var first = await ReadChunkAsync(connection, null, runId, key, summaries[0].Chunk, cancellationToken).ConfigureAwait(false);
        var last = await ReadChunkAsync(connection, null, runId, key, summaries[^1].Chunk, cancellationToken).ConfigureAwait(false);
        // Chunk numbers of appended runs are not dense (see PointAppender): a point's position key is chunk × size + index.
        picked[summaries[0].Chunk * PointChunk.Size] = first[0];
        picked[(summaries[^1].Chunk * PointChunk.Size) + last.Count - 1] = last[^1];
        return new Series(key, original, ImmutableArray.CreateRange(picked.Values));
    }

    /// <summary>The key and logged name of a run's series named by its key or by the name it was logged under (what
    /// MLflow clients ask for); null when the run has no such series.</summary>
    private async Task<(string Key, string Original)?> SeriesNameAsync(DbConnection connection, string runId, string key, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, null, "SELECT key, original_name FROM series WHERE run_id = @id AND (key = @key OR original_name = @key) "
            + "ORDER BY CASE WHEN original_name = @key THEN 0 ELSE 1 END LIMIT 1", ("@id", runId), ("@key", key));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? (r.GetString(0), r.GetString(1)) : null;
    }

    /// <summary>A page of a series read from the chunks it spans only (their counts first, then their data).</summary>
    public async Task<SeriesPage?> ReadPointsAsync(string runId, string key, long offset, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await FlushPendingAsync(runId, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await SeriesNameAsync(connection, runId, key, cancellationToken).ConfigureAwait(false) is not { } name)
        {
            return null;
        }

        (key, var original) = name;

        // Which chunks hold positions [offset, offset + limit): chunk numbers are not dense (see PointAppender), counts are.
        long total = 0, firstChunk = -1, lastChunk = -1, skip = 0;
        await using (var cmd = Command(connection, null, "SELECT chunk, count FROM chunks WHERE run_id = @id AND key = @key ORDER BY chunk", ("@id", runId), ("@key", key)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (chunk, count) = (r.GetInt64(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture));
                if (total + count > offset && total < offset + limit)
                {
                    if (firstChunk < 0)
                    {
                        (firstChunk, skip) = (chunk, offset - total);
                    }

                    lastChunk = chunk;
                }

                total += count;
            }
        }

        var points = new List<SeriesPoint>(firstChunk < 0 ? 0 : (int)Math.Min(limit + PointChunk.Size, total));
        if (firstChunk >= 0)
        {
            await using var cmd = Command(connection, null, "SELECT data FROM chunks WHERE run_id = @id AND key = @key AND chunk >= @first AND chunk <= @last ORDER BY chunk",
                ("@id", runId), ("@key", key), ("@first", firstChunk), ("@last", lastChunk));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                PointChunk.Unpack((byte[])r.GetValue(0), points);
            }
        }

        var start = (int)Math.Min(skip, points.Count);
        var taken = Math.Min(limit, points.Count - start);
        return new SeriesPage(key, original, total, Math.Min(offset, total), ImmutableArray.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(points).Slice(start, taken)));
    }

    public async Task<IReadOnlyList<StoredRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await FlushAllPendingAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, """
            SELECT r.id, r.name, r.experiment, r.parent_id, r.format, r.source_path, r.status, r.imported_at,
                   (SELECT COUNT(*) FROM series s WHERE s.run_id = r.id), (SELECT COALESCE(SUM(count), 0) FROM chunks c WHERE c.run_id = r.id)
            FROM runs r
            WHERE (@experiment IS NULL OR r.experiment = @experiment) AND r.lifecycle = 'active'
              AND (@name IS NULL OR lower(r.name) LIKE '%' || lower(@name) || '%' OR lower(r.id) LIKE '%' || lower(@name) || '%')
            ORDER BY r.imported_at DESC, r.id LIMIT @limit OFFSET @offset
            """,
            ("@experiment", query.Experiment), ("@name", query.NameContains), ("@limit", query.Limit), ("@offset", query.Offset));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredRun>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new StoredRun(r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3),
                r.GetString(4), r.GetString(5), (RunStatus)r.GetInt32(6), Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
                Convert.ToInt64(r.GetValue(9), CultureInfo.InvariantCulture), Time(r, 7) ?? DateTimeOffset.UnixEpoch));
        }

        return list;
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private async Task<ImmutableArray<SeriesPoint>> ReadAllPointsAsync(DbConnection connection, string runId, string key, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        await using var cmd = Command(connection, null, "SELECT data FROM chunks WHERE run_id = @id AND key = @key ORDER BY chunk", ("@id", runId), ("@key", key));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            PointChunk.Unpack((byte[])r.GetValue(0), points);
        }

        return [.. points];
    }

    private async Task<List<SeriesPoint>> ReadChunkAsync(DbConnection connection, DbTransaction? tx, string runId, string key, long chunk, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        await using var cmd = Command(connection, tx, "SELECT data FROM chunks WHERE run_id = @id AND key = @key AND chunk = @chunk", ("@id", runId), ("@key", key), ("@chunk", chunk));
        if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] data)
        {
            PointChunk.Unpack(data, points);
        }

        return points;
    }

    private async Task<long> PointCountAsync(DbConnection connection, DbTransaction tx, string runId, CancellationToken cancellationToken)
    {
        await using var count = Command(connection, tx, "SELECT COALESCE(SUM(count), 0) FROM chunks WHERE run_id = @id", ("@id", runId));
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task UpsertConfigAsync(DbConnection connection, DbTransaction tx, string runId, string key, ConfigValueKind kind, string text, double number, CancellationToken cancellationToken)
    {
        await using var c = Command(connection, tx, "INSERT INTO config (run_id, key, kind, text, number) VALUES (@id, @key, @kind, @text, @number) "
            + "ON CONFLICT (run_id, key) DO UPDATE SET kind = excluded.kind, text = excluded.text, number = excluded.number",
            ("@id", runId), ("@key", key), ("@kind", (int)kind), ("@text", text), ("@number", double.IsFinite(number) ? number : null));
        c.Parameters["@number"].DbType = System.Data.DbType.Double;
        await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest point: highest step, then latest wall time (MLflow's latest metric); null for no points.</summary>
    internal static SeriesPoint? Latest(ReadOnlySpan<SeriesPoint> points)
    {
        SeriesPoint? best = null;
        foreach (var p in points)
        {
            if (best is not { } b || IsLater(p, b))
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="p"/> is as late as <paramref name="than"/> or later: a higher step, or the same
    /// step logged at the same time or after.</summary>
    internal static bool IsLater(SeriesPoint p, SeriesPoint than) => p.Step > than.Step || (p.Step == than.Step && Wall(p) >= Wall(than));

    private static double Wall(SeriesPoint p) => double.IsNaN(p.WallTime) ? double.NegativeInfinity : p.WallTime;

    private static void SetLatest(DbCommand cmd, SeriesPoint? latest)
    {
        AddParameter(cmd, "@step", latest?.Step, System.Data.DbType.Int64);
        AddParameter(cmd, "@wall", latest is { } l ? Encode(l.WallTime) : null, System.Data.DbType.Double);
        AddParameter(cmd, "@value", latest is { } v ? Encode(v.Value) : null, System.Data.DbType.Double);
    }

    private static (long Seq, SeriesPoint P)? Slot(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : (r.GetInt64(i), new SeriesPoint(r.GetInt64(i + 1), Decode(r, i + 2), Decode(r, i + 3), Decode(r, i + 4)));

    /// <summary>Adds a parameter; a null is typed as text unless <paramref name="type"/> says otherwise (PostgreSQL must
    /// know the type of every parameter, even a null one).</summary>
    internal static void AddParameter(DbCommand cmd, string name, object? value, System.Data.DbType? type = null)
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

    internal static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(cmd, name, value);
        }

        return cmd;
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string? Time(DateTimeOffset? t) => t?.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A time as search compares it: milliseconds since the Unix epoch (<c>start_ms</c>, <c>end_ms</c>).</summary>
    internal static long? Milliseconds(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture);

    // SQLite has no NaN: NaN is stored as NULL, ±Infinity as ±Infinity (REAL keeps them).
    internal static object Encode(double v) => double.IsNaN(v) ? DBNull.Value : v;

    internal static double Decode(DbDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);
}
