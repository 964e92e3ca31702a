using System.Data.Common;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Storage.Sql;

/// <summary>Live runs: created through an API and changed in batches (see <see cref="ILiveRunStore"/>).</summary>
public abstract partial class SqlRunStore
{
    public async Task CreateRunAsync(NewRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        InvalidTextException.Check(run.Id, "run id");
        InvalidTextException.Check(run.Name, "run name");
        InvalidTextException.Check(run.Experiment, "experiment");
        InvalidTextException.Check(run.User, "user");
        InvalidTextException.Check(run.ParentId, "parent run id");
        CheckPairs(run.Tags, "tag");
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = Command(connection, tx, """
            INSERT INTO runs (id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, details, imported_at, user_id, lifecycle, start_ms)
            VALUES (@id, @name, @experiment, @parent, @format, @path, @status, @start, NULL, @details, @imported, @user, 'active', @startms)
            ON CONFLICT (id) DO NOTHING
            """,
            ("@id", run.Id), ("@name", run.Name), ("@experiment", run.Experiment), ("@parent", run.ParentId), ("@format", run.Format),
            ("@path", run.Format + ":" + run.Id), ("@status", (int)run.Status), ("@start", Time(run.StartTime)),
            ("@details", JsonSerializer.Serialize(RunDetails.Empty, Json)), ("@imported", Time(DateTimeOffset.UtcNow)), ("@user", run.User)))
        {
            AddParameter(insert, "@startms", Milliseconds(run.StartTime), System.Data.DbType.Int64);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new AlreadyExistsException($"Run '{run.Id}' already exists");
            }
        }

        if (run.Experiment is { } experiment)
        {
            await EnsureExperimentAsync(connection, tx, experiment, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in run.Tags)
        {
            await SetTagAsync(connection, tx, run.Id, key, value, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ApplyAsync(string runId, RunChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(changes);
        Check(changes);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The run's row is locked for the whole change: writers of one run take turns, writers of different runs do not.
        string details;
        await using (var find = Command(connection, tx, "SELECT details, lifecycle FROM runs WHERE id = @id" + ForUpdate, ("@id", runId)))
        await using (var r = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new RunNotFoundException($"Run '{runId}' not found");
            }

            details = r.GetString(0);
            if (changes.RequireActive && r.GetString(1) != "active")
            {
                throw new RunNotActiveException(runId, r.GetString(1));
            }
        }

        foreach (var (key, text) in changes.Params)
        {
            await using var old = Command(connection, tx, "SELECT text FROM config WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key));
            if (await old.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string logged)
            {
                if (!string.Equals(logged, text, StringComparison.Ordinal))
                {
                    throw new ParamConflictException(runId, key, logged, text);
                }

                continue;
            }

            var value = ConfigValue.Parse(text);
            await UpsertConfigAsync(connection, tx, runId, key, value.Kind, text, value.Number, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, text) in changes.Config)
        {
            var value = ConfigValue.Parse(text);
            await UpsertConfigAsync(connection, tx, runId, key, value.Kind, text, value.Number, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in changes.Tags)
        {
            await SetTagAsync(connection, tx, runId, key, value, cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in changes.DeleteTags)
        {
            await using var delete = Command(connection, tx, "DELETE FROM tags WHERE run_id = @id AND key = @key", ("@id", runId), ("@key", key));
            if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new RunNotFoundException($"No tag with name: {key} in run with id {runId}");
            }
        }

        await using (var update = Command(connection, tx, """
            UPDATE runs SET status = COALESCE(@status, status), ended_at = COALESCE(@end, ended_at), end_ms = COALESCE(@endms, end_ms), name = COALESCE(@name, name),
                lifecycle = COALESCE(@lifecycle, lifecycle), details = @details
            """ + (changes.Derived ? "" : ", revision = revision + 1") + " WHERE id = @id", ("@id", runId), ("@end", Time(changes.EndTime)), ("@name", changes.Name), ("@lifecycle", changes.Lifecycle),
            ("@details", changes.Events.Count == 0 ? details : WithEvents(details, changes.Events))))
        {
            AddParameter(update, "@endms", Milliseconds(changes.EndTime), System.Data.DbType.Int64);
            AddParameter(update, "@status", changes.Status is { } s ? (int)s : null, System.Data.DbType.Int32);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var blob in changes.Blobs)
        {
            await using var b = Command(connection, tx, "INSERT INTO blobs (run_id, kind, name, data) VALUES (@id, @kind, @name, @data) "
                + "ON CONFLICT (run_id, kind, name) DO UPDATE SET data = excluded.data", ("@id", runId), ("@kind", blob.Kind), ("@name", blob.Name));
            AddParameter(b, "@data", blob.Data, System.Data.DbType.Binary);
            await b.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var added = changes.Points.Count == 0 ? 0 : await PointAppender.AppendAsync(connection, tx, runId, changes.Points, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        StoreMetrics.PointsAppended.Add(added);
        return added;
    }

    /// <summary>Every text of a change is well-formed Unicode, or nothing is stored (<see cref="InvalidTextException"/>).</summary>
    private static void Check(RunChanges changes)
    {
        CheckPairs(changes.Params, "param");
        CheckPairs(changes.Config, "config");
        CheckPairs(changes.Tags, "tag");
        InvalidTextException.Check(changes.Name, "run name");
        foreach (var key in changes.DeleteTags)
        {
            InvalidTextException.Check(key, "tag key");
        }

        foreach (var points in changes.Points)
        {
            InvalidTextException.Check(points.Name, "metric key");
        }

        foreach (var e in changes.Events)
        {
            InvalidTextException.Check(e.Message, "event message");
        }
    }

    private static void CheckPairs(IReadOnlyDictionary<string, string> pairs, string what)
    {
        foreach (var (key, value) in pairs)
        {
            InvalidTextException.Check(key, what + " key");
            InvalidTextException.Check(value, $"{what} '{key}'");
        }
    }

    public async Task<long?> GetRevisionAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT revision FROM runs WHERE id = @id", ("@id", runId));
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public async Task<byte[]?> GetBlobAsync(string runId, string kind, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT data FROM blobs WHERE run_id = @id AND kind = @kind AND name = @name", ("@id", runId), ("@kind", kind), ("@name", name));
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    public async Task<IReadOnlyList<(string Key, string Name, long Count)>> ListSeriesAsync(string runId, CancellationToken cancellationToken = default)
    {
        await FlushPendingAsync(runId, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(connection, null, "SELECT s.key, s.original_name, (SELECT COALESCE(SUM(c.count), 0) FROM chunks c WHERE c.run_id = s.run_id AND c.key = s.key) "
            + "FROM series s WHERE s.run_id = @id ORDER BY s.key", ("@id", runId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<(string, string, long)>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((r.GetString(0), r.GetString(1), Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public async Task<RunRecord?> GetRecordAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await FlushPendingAsync(runId, cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var records = await ReadRecordsAsync(connection, runId, new RecordQuery(Active: true, Deleted: true), cancellationToken).ConfigureAwait(false);
        return records.Count == 1 ? records[0] : null;
    }

    public async Task<IReadOnlyList<RunRecord>> ListRecordsAsync(RecordQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await FlushAllPendingAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRecordsAsync(connection, null, query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs (one, or all the query selects) with params, tags and latest metrics: four queries whatever the
    /// number of runs.</summary>
    private async Task<List<RunRecord>> ReadRecordsAsync(DbConnection connection, string? runId, RecordQuery query, CancellationToken cancellationToken)
    {
        var where = runId is null ? "" : " WHERE run_id = @id";
        var rows = new List<(string Id, string Name, string? Experiment, string? Parent, string Format, string Path, RunStatus Status, DateTimeOffset? Start, DateTimeOffset? End, string? User, string Lifecycle)>();
        await using (var cmd = Command(connection, null, "SELECT id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, user_id, lifecycle FROM runs"
            + (runId is null ? "" : " WHERE id = @id"), ("@id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var experiments = query.Experiments is null ? null : new HashSet<string>(query.Experiments, StringComparer.Ordinal);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var lifecycle = r.GetString(10);
                var experiment = Text(r, 2);
                if ((lifecycle == "deleted" ? query.Deleted : query.Active) && (experiments is null || experiments.Contains(experiment ?? Experiment.DefaultName)))
                {
                    rows.Add((r.GetString(0), r.GetString(1), experiment, Text(r, 3), r.GetString(4), r.GetString(5), (RunStatus)r.GetInt32(6), Time(r, 7), Time(r, 8), Text(r, 9), lifecycle));
                }
            }
        }

        var wanted = rows.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
        var parameters = await GroupAsync(connection, "SELECT run_id, key, text FROM config" + where, runId, wanted, r => r.GetString(2), cancellationToken).ConfigureAwait(false);
        var tags = await GroupAsync(connection, "SELECT run_id, key, value FROM tags" + where, runId, wanted, r => r.GetString(2), cancellationToken).ConfigureAwait(false);
        // Of two series logged under one name (possible in imports), the one with the smaller key (read last), as search has it.
        var metrics = await GroupAsync(connection, "SELECT run_id, original_name, latest_value, latest_step, latest_wall, key FROM series" + where + (runId is null ? " WHERE" : " AND")
            + " latest_step IS NOT NULL ORDER BY key DESC",
            runId, wanted, r => new LatestMetric(Decode(r, 2), r.GetInt64(3), Milliseconds(Decode(r, 4))) { Key = r.GetString(5) }, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(x => new RunRecord(x.Id, x.Name, x.Experiment, x.Parent, x.Format, x.Path, x.Status, x.Start, x.End, x.User, x.Lifecycle,
            parameters.GetValueOrDefault(x.Id) ?? [], tags.GetValueOrDefault(x.Id) ?? [], metrics.GetValueOrDefault(x.Id) ?? []))];
    }

    private static async Task<Dictionary<string, Dictionary<string, T>>> GroupAsync<T>(DbConnection connection, string sql, string? runId, HashSet<string> wanted,
        Func<DbDataReader, T> value, CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, Dictionary<string, T>>(StringComparer.Ordinal);
        await using var cmd = Command(connection, null, sql, ("@id", runId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = r.GetString(0);
            if (!wanted.Contains(id))
            {
                continue;
            }

            if (!groups.TryGetValue(id, out var group))
            {
                group = new Dictionary<string, T>(StringComparer.Ordinal);
                groups[id] = group;
            }

            group[r.GetString(1)] = value(r);
        }

        return groups;
    }

    private async Task SetTagAsync(DbConnection connection, DbTransaction tx, string runId, string key, string value, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, tx, "INSERT INTO tags (run_id, key, value) VALUES (@id, @key, @value) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
            ("@id", runId), ("@key", key), ("@value", value));
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string WithEvents(string details, IReadOnlyList<RunEvent> events)
    {
        var d = JsonSerializer.Deserialize<RunDetails>(details, Json) ?? RunDetails.Empty;
        return JsonSerializer.Serialize(d with { Events = [.. d.Events, .. events] }, Json);
    }

    private static long Milliseconds(double seconds) => double.IsFinite(seconds) ? (long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero) : 0;
}
