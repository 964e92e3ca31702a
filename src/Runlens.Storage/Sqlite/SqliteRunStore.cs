using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Runlens.Model;

namespace Runlens.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Runs, their config and their points are rows; the trainer state,
/// summary, checkpoints, dataset sizes and events are one JSON document per run. Saving is one transaction per run, and
/// points are keyed by (run, series, position) so saving the same run twice adds nothing.
/// </summary>
public sealed class SqliteRunStore : IRunStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, experiment TEXT, parent_id TEXT,
            format TEXT NOT NULL, source_path TEXT NOT NULL, status INTEGER NOT NULL,
            started_at TEXT, ended_at TEXT, details TEXT NOT NULL, imported_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS config (
            run_id TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, text TEXT NOT NULL, number REAL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS series (
            run_id TEXT NOT NULL, key TEXT NOT NULL, original_name TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS points (
            run_id TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,
            step INTEGER NOT NULL, value REAL, epoch REAL, wall_time REAL,
            PRIMARY KEY (run_id, key, seq)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment);
        """;

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly SqliteConnection _connection;

    private SqliteRunStore(SqliteConnection connection)
    {
        _connection = connection;
    }

    /// <summary>The file the CLI uses when no <c>--store</c> is given: <c>~/.runlens/runlens.db</c>.</summary>
    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".runlens", "runlens.db");

    /// <summary>Opens (creating when needed) the store at <paramref name="path"/>.</summary>
    public static async Task<SqliteRunStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = Schema;
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new SqliteRunStore(connection);
    }

    public async Task<SaveResult> SaveRunAsync(Run run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        bool isNew;
        await using (var exists = Command(tx, "SELECT COUNT(*) FROM runs WHERE id = $id", ("$id", run.Identity.Id)))
        {
            isNew = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0;
        }

        var id = run.Identity;
        await using (var upsert = Command(tx, """
            INSERT INTO runs (id, name, experiment, parent_id, format, source_path, status, started_at, ended_at, details, imported_at)
            VALUES ($id, $name, $experiment, $parent, $format, $path, $status, $start, $end, $details, $imported)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, experiment = excluded.experiment, parent_id = excluded.parent_id,
                status = excluded.status, started_at = excluded.started_at, ended_at = excluded.ended_at, details = excluded.details
            """,
            ("$id", id.Id), ("$name", id.Name), ("$experiment", id.Experiment), ("$parent", id.ParentId), ("$format", id.Source.Format),
            ("$path", id.Source.Path), ("$status", (int)run.Status), ("$start", id.Time.Start?.ToString("O")), ("$end", id.Time.End?.ToString("O")),
            ("$details", JsonSerializer.Serialize(RunDetails.Of(run), Json)), ("$imported", DateTimeOffset.UtcNow.ToString("O"))))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, value) in run.Config.Values)
        {
            await using var c = Command(tx, "INSERT OR REPLACE INTO config (run_id, key, kind, text, number) VALUES ($id, $key, $kind, $text, $number)",
                ("$id", id.Id), ("$key", key), ("$kind", (int)value.Kind), ("$text", value.Text), ("$number", double.IsFinite(value.Number) ? value.Number : null));
            await c.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long added = 0;
        await using var seriesCmd = Command(tx, "INSERT OR IGNORE INTO series (run_id, key, original_name) VALUES ($id, $key, $name)", ("$id", id.Id), ("$key", ""), ("$name", ""));
        await using var pointCmd = Command(tx, "INSERT OR IGNORE INTO points (run_id, key, seq, step, value, epoch, wall_time) VALUES ($id, $key, $seq, $step, $value, $epoch, $wall)",
            ("$id", id.Id), ("$key", ""), ("$seq", 0L), ("$step", 0L), ("$value", null), ("$epoch", null), ("$wall", null));
        foreach (var s in run.Series.Values)
        {
            seriesCmd.Parameters["$key"].Value = s.Key;
            seriesCmd.Parameters["$name"].Value = s.OriginalName;
            await seriesCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            pointCmd.Parameters["$key"].Value = s.Key;
            for (var i = 0; i < s.Points.Length; i++)
            {
                var p = s.Points[i];
                pointCmd.Parameters["$seq"].Value = i;
                pointCmd.Parameters["$step"].Value = p.Step;
                pointCmd.Parameters["$value"].Value = Encode(p.Value);
                pointCmd.Parameters["$epoch"].Value = Encode(p.Epoch);
                pointCmd.Parameters["$wall"].Value = Encode(p.WallTime);
                added += await pointCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SaveResult(isNew, added);
    }

    public async Task<Run?> GetRunAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        string? runId = null;
        await using (var find = Command(null, "SELECT id FROM runs WHERE id = $x UNION ALL SELECT id FROM (SELECT id FROM runs WHERE name = $x LIMIT 2)", ("$x", idOrName)))
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
        await using (var cmd = Command(null, "SELECT name, experiment, parent_id, format, source_path, status, started_at, ended_at, details FROM runs WHERE id = $id", ("$id", runId)))
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
        await using (var cmd = Command(null, "SELECT key, kind, text FROM config WHERE run_id = $id", ("$id", runId)))
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
        await using (var cmd = Command(null, "SELECT key, original_name FROM series WHERE run_id = $id", ("$id", runId)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names[r.GetString(0)] = r.GetString(1);
            }
        }

        foreach (var (key, original) in names)
        {
            var points = ImmutableArray.CreateBuilder<SeriesPoint>();
            await using var cmd = Command(null, "SELECT step, value, epoch, wall_time FROM points WHERE run_id = $id AND key = $key ORDER BY seq", ("$id", runId), ("$key", key));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                points.Add(new SeriesPoint(r.GetInt64(0), Decode(r, 1), Decode(r, 2), Decode(r, 3)));
            }

            series[key] = new Series(key, original, points.ToImmutable());
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
        await using (var cmd = Command(null, "SELECT original_name FROM series WHERE run_id = $id AND key = $key", ("$id", runId), ("$key", key)))
        {
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string name)
            {
                return null;
            }

            original = name;
        }

        long count;
        await using (var cmd = Command(null, "SELECT COUNT(*) FROM points WHERE run_id = $id AND key = $key", ("$id", runId), ("$key", key)))
        {
            count = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        // SQLite gives the bare columns of min()/max() aggregates from the row that holds the extreme; NaN is stored
        // as NULL and kept through the first NULL of each bucket.
        var sql = maxPoints is null || count <= maxPoints
            ? "SELECT step, value, epoch, wall_time FROM points WHERE run_id = $id AND key = $key ORDER BY seq"
            : """
              WITH b AS (SELECT seq, step, value, epoch, wall_time, (seq * $buckets) / $n AS bucket FROM points WHERE run_id = $id AND key = $key),
              picked AS (
                  SELECT seq FROM (SELECT seq, MIN(value) FROM b WHERE value IS NOT NULL GROUP BY bucket)
                  UNION SELECT seq FROM (SELECT seq, MAX(value) FROM b WHERE value IS NOT NULL GROUP BY bucket)
                  UNION SELECT MIN(seq) FROM b WHERE value IS NULL GROUP BY bucket
                  UNION SELECT 0 UNION SELECT $n - 1)
              SELECT step, value, epoch, wall_time FROM points WHERE run_id = $id AND key = $key AND seq IN (SELECT seq FROM picked) ORDER BY seq
              """;
        var buckets = Math.Max(1, ((maxPoints ?? 4) / 2) - 1);
        var points = ImmutableArray.CreateBuilder<SeriesPoint>();
        await using (var cmd = Command(null, sql, ("$id", runId), ("$key", key), ("$buckets", buckets), ("$n", count)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                points.Add(new SeriesPoint(r.GetInt64(0), Decode(r, 1), Decode(r, 2), Decode(r, 3)));
            }
        }

        return new Series(key, original, points.ToImmutable());
    }

    public async Task<IReadOnlyList<StoredRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var cmd = Command(null, """
            SELECT r.id, r.name, r.experiment, r.parent_id, r.format, r.source_path, r.status, r.imported_at,
                   (SELECT COUNT(*) FROM series s WHERE s.run_id = r.id), (SELECT COUNT(*) FROM points p WHERE p.run_id = r.id)
            FROM runs r
            WHERE ($experiment IS NULL OR r.experiment = $experiment)
              AND ($name IS NULL OR instr(lower(r.name), lower($name)) > 0 OR instr(lower(r.id), lower($name)) > 0)
            ORDER BY r.imported_at DESC, r.id LIMIT $limit OFFSET $offset
            """,
            ("$experiment", query.Experiment), ("$name", query.NameContains), ("$limit", query.Limit), ("$offset", query.Offset));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<StoredRun>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new StoredRun(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), (RunStatus)r.GetInt32(6), r.GetInt32(8), r.GetInt64(9),
                DateTimeOffset.Parse(r.GetString(7), CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    private SqliteCommand Command(SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    // SQLite has no NaN: NaN is stored as NULL, ±Infinity as ±Infinity (REAL keeps them).
    private static object Encode(double v) => double.IsNaN(v) ? DBNull.Value : v;

    private static double Decode(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);
}
