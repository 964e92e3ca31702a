using System.Data.Common;
using Npgsql;
using Runlens.Storage.Sql;

namespace Runlens.Storage.Postgres;

/// <summary>The team store: PostgreSQL through Npgsql (see <see cref="SqlRunStore"/> for what is stored). Several server
/// processes can share one database.</summary>
public sealed class PostgresRunStore : SqlRunStore, IStoreSize
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, experiment TEXT, parent_id TEXT,
            format TEXT NOT NULL, source_path TEXT NOT NULL, status INTEGER NOT NULL,
            started_at TEXT, ended_at TEXT, details TEXT NOT NULL, imported_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS config (
            run_id TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, text TEXT NOT NULL, number DOUBLE PRECISION,
            PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS series (
            run_id TEXT NOT NULL, key TEXT NOT NULL, original_name TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS chunks (
            run_id TEXT NOT NULL, key TEXT NOT NULL, chunk BIGINT NOT NULL, count INTEGER NOT NULL,
            min_seq BIGINT, min_step BIGINT, min_value DOUBLE PRECISION, min_epoch DOUBLE PRECISION, min_wall DOUBLE PRECISION,
            max_seq BIGINT, max_step BIGINT, max_value DOUBLE PRECISION, max_epoch DOUBLE PRECISION, max_wall DOUBLE PRECISION,
            nan_seq BIGINT, nan_step BIGINT, nan_value DOUBLE PRECISION, nan_epoch DOUBLE PRECISION, nan_wall DOUBLE PRECISION,
            data BYTEA NOT NULL,
            UNIQUE (run_id, key, chunk));
        CREATE TABLE IF NOT EXISTS pending (run_id TEXT NOT NULL, block BIGINT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (run_id, block));
        CREATE TABLE IF NOT EXISTS tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS blobs (run_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (run_id, kind, name));
        CREATE TABLE IF NOT EXISTS experiments (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, artifact_location TEXT NOT NULL, lifecycle TEXT NOT NULL,
            created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS experiment_tags (experiment_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (experiment_id, key));
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS user_id TEXT;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS lifecycle TEXT NOT NULL DEFAULT 'active';
        ALTER TABLE series ADD COLUMN IF NOT EXISTS latest_step BIGINT;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS latest_wall DOUBLE PRECISION;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS latest_value DOUBLE PRECISION;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS pending_blocks INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS pending_points INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS pending_max_step BIGINT;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS next_chunk BIGINT;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS tail_start BIGINT;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS tail_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE series ADD COLUMN IF NOT EXISTS tail_points INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE chunks ADD COLUMN IF NOT EXISTS lo_step BIGINT;
        ALTER TABLE chunks ADD COLUMN IF NOT EXISTS hi_step BIGINT;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS revision BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS start_ms BIGINT;
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS end_ms BIGINT;
        CREATE TABLE IF NOT EXISTS run_metrics (
            run_id TEXT NOT NULL, name TEXT NOT NULL, series_key TEXT NOT NULL, value DOUBLE PRECISION, differs INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, name));
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_experiment_cover ON runs (experiment) INCLUDE (id, lifecycle, start_ms);
        DROP INDEX IF EXISTS runs_experiment;
        CREATE INDEX IF NOT EXISTS series_original ON series (run_id, original_name);
        CREATE INDEX IF NOT EXISTS runs_start ON runs (start_ms DESC, id COLLATE "C");
        CREATE INDEX IF NOT EXISTS runs_by_name ON runs (name COLLATE "C", start_ms DESC NULLS LAST, id COLLATE "C");
        CREATE INDEX IF NOT EXISTS runs_pending ON runs (id) WHERE pending_blocks > 0;
        CREATE INDEX IF NOT EXISTS config_value ON config (key, text COLLATE "C");
        CREATE INDEX IF NOT EXISTS tags_value ON tags (key, value COLLATE "C");
        CREATE INDEX IF NOT EXISTS run_metrics_value ON run_metrics (name, value);
        CREATE INDEX IF NOT EXISTS run_metrics_differs ON run_metrics (name) WHERE differs = 1;
        CREATE INDEX IF NOT EXISTS run_metrics_cover ON run_metrics (run_id, name) INCLUDE (value);
        """;

    private readonly NpgsqlDataSource _source;

    private PostgresRunStore(NpgsqlDataSource source)
    {
        _source = source;
    }

    protected override string ForUpdate => " FOR UPDATE";

    protected override string? MaintenanceLock => "SELECT pg_advisory_xact_lock(72420502)";

    internal override SearchDialect Dialect => PostgresSearchDialect.Instance;

    /// <summary>True for a store argument that names PostgreSQL: a <c>postgres://</c> / <c>postgresql://</c> URL or an
    /// Npgsql connection string (<c>Host=…</c>).</summary>
    public static bool IsPostgres(string store) =>
        store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || store.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the store, creating its tables (in the connection's search path) when they do not exist and
    /// <paramref name="access"/> allows.</summary>
    /// <exception cref="StoreUnavailableException">The server does not answer or refuses the connection, or (with
    /// <see cref="StoreOpenMode.OpenExisting"/>) the database has no Runlens tables.</exception>
    public static async Task<PostgresRunStore> OpenAsync(string connection, StoreOpenMode access = StoreOpenMode.OpenOrCreate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string connectionString;
        try
        {
            connectionString = ToConnectionString(connection);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException or KeyNotFoundException)
        {
            throw new StoreUnavailableException($"{Describe(connection)}: not a PostgreSQL connection string or postgres:// URL ({ex.Message.TrimEnd('.')})", ex);
        }

        var store = new PostgresRunStore(NpgsqlDataSource.Create(connectionString));
        try
        {
            if (access == StoreOpenMode.OpenExisting)
            {
                await using var c = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT to_regclass('runs') IS NOT NULL";
                if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    throw new StoreUnavailableException($"{Describe(connection)}: no Runlens store here — the database has no Runlens tables; create them with `runlens import PATH --store ...`");
                }
            }

            // Two processes creating the schema at once can collide on PostgreSQL's catalog; an advisory lock orders them.
            await store.ExecuteAsync("SELECT pg_advisory_lock(72420501); " + Schema + " SELECT pg_advisory_unlock(72420501);", cancellationToken).ConfigureAwait(false);
            await store.EnsureDefaultExperimentAsync(cancellationToken).ConfigureAwait(false);
            await store.PrepareSearchAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreUnavailableException($"{Describe(connection)}: cannot use the PostgreSQL store — {ex.Message.TrimEnd('.')}; check the host, port, user and database, and that the server runs", ex);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The store as messages name it: <c>postgres://user@host:port/database</c>, without a password.</summary>
    public static string Describe(string store)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(ToConnectionString(store));
            return $"postgres://{(string.IsNullOrEmpty(b.Username) ? "" : b.Username + "@")}{b.Host}:{b.Port}/{b.Database}";
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException or KeyNotFoundException)
        {
            return "the PostgreSQL store";
        }
    }

    /// <summary>The store's size on disk: its tables with their indexes and TOAST in the schema it works in (the first of
    /// the search path), as <c>pg_total_relation_size</c> counts them; for <c>runlens serve</c>'s <c>/metrics</c>.</summary>
    public async Task<long> SizeBytesAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = _source.CreateCommand(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A <c>postgres://user:password@host:port/database</c> URL as an Npgsql connection string.</summary>
    private static string ToConnectionString(string store)
    {
        if (!store.Contains("://", StringComparison.Ordinal))
        {
            return store;
        }

        var uri = new Uri(store);
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port, Database = uri.AbsolutePath.Trim('/') };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            b.Password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        return b.ToString();
    }
}
