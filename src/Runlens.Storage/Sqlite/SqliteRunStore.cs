using System.Data.Common;
using Microsoft.Data.Sqlite;
using Runlens.Storage.Sql;

namespace Runlens.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode (see <see cref="SqlRunStore"/> for what is stored). A
/// committed write survives the process being killed (WAL with synchronous=NORMAL loses nothing but on power loss).</summary>
public sealed class SqliteRunStore : SqlRunStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, experiment TEXT, parent_id TEXT,
            format TEXT NOT NULL, source_path TEXT NOT NULL, status INTEGER NOT NULL,
            started_at TEXT, ended_at TEXT, details TEXT NOT NULL, imported_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS config (
            run_id TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, text TEXT NOT NULL, number REAL,
            PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS series (
            run_id TEXT NOT NULL, key TEXT NOT NULL, original_name TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS chunks (
            run_id TEXT NOT NULL, key TEXT NOT NULL, chunk INTEGER NOT NULL, count INTEGER NOT NULL,
            min_seq INTEGER, min_step INTEGER, min_value REAL, min_epoch REAL, min_wall REAL,
            max_seq INTEGER, max_step INTEGER, max_value REAL, max_epoch REAL, max_wall REAL,
            nan_seq INTEGER, nan_step INTEGER, nan_value REAL, nan_epoch REAL, nan_wall REAL,
            data BLOB NOT NULL,
            UNIQUE (run_id, key, chunk));
        CREATE TABLE IF NOT EXISTS pending (run_id TEXT NOT NULL, block INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, block));
        CREATE TABLE IF NOT EXISTS tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
        CREATE TABLE IF NOT EXISTS blobs (run_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, kind, name));
        CREATE TABLE IF NOT EXISTS experiments (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, artifact_location TEXT NOT NULL, lifecycle TEXT NOT NULL,
            created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS experiment_tags (experiment_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (experiment_id, key));
        CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment);
        """;

    /// <summary>Columns added after the first release, added to an older file when it is opened.</summary>
    private static readonly (string Table, string Column, string Type)[] Added =
    [
        ("runs", "user_id", "TEXT"), ("runs", "lifecycle", "TEXT NOT NULL DEFAULT 'active'"),
        ("series", "latest_step", "INTEGER"), ("series", "latest_wall", "REAL"), ("series", "latest_value", "REAL"),
        ("runs", "pending_blocks", "INTEGER NOT NULL DEFAULT 0"), ("runs", "pending_points", "INTEGER NOT NULL DEFAULT 0"), ("runs", "pending_max_step", "INTEGER"),
        ("series", "next_chunk", "INTEGER"), ("series", "tail_start", "INTEGER"), ("series", "tail_count", "INTEGER NOT NULL DEFAULT 0"), ("series", "tail_points", "INTEGER NOT NULL DEFAULT 0"),
        ("chunks", "lo_step", "INTEGER"), ("chunks", "hi_step", "INTEGER"),
        ("runs", "revision", "INTEGER NOT NULL DEFAULT 0"),
    ];

    private readonly string _connectionString;

    private SqliteRunStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>The file the CLI uses when no <c>--store</c> is given: <c>~/.runlens/runlens.db</c>.</summary>
    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".runlens", "runlens.db");

    protected override string ForUpdate => "";

    /// <summary>Opens (creating when needed) the store at <paramref name="path"/>.</summary>
    public static async Task<SqliteRunStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var store = new SqliteRunStore(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString());
        await store.ExecuteAsync(Schema, cancellationToken).ConfigureAwait(false);
        await store.UpgradeAsync(cancellationToken).ConfigureAwait(false);
        await store.EnsureDefaultExperimentAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task UpgradeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (table, column, type) in Added)
        {
            await using var has = connection.CreateCommand();
            has.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if (Convert.ToInt64(await has.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                await using var add = connection.CreateCommand();
                add.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type}";
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var index = connection.CreateCommand();
        index.CommandText = "CREATE INDEX IF NOT EXISTS series_original ON series (run_id, original_name)";
        await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }
}
