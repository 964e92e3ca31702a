using Microsoft.Data.Sqlite;
using Runlens.Storage.Sql;

namespace Runlens.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode (see <see cref="SqlRunStore"/> for what is stored).</summary>
public sealed class SqliteRunStore : SqlRunStore
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
        CREATE TABLE IF NOT EXISTS chunks (
            run_id TEXT NOT NULL, key TEXT NOT NULL, chunk INTEGER NOT NULL, count INTEGER NOT NULL,
            min_seq INTEGER, min_step INTEGER, min_value REAL, min_epoch REAL, min_wall REAL,
            max_seq INTEGER, max_step INTEGER, max_value REAL, max_epoch REAL, max_wall REAL,
            nan_seq INTEGER, nan_step INTEGER, nan_value REAL, nan_epoch REAL, nan_wall REAL,
            data BLOB NOT NULL,
            UNIQUE (run_id, key, chunk));
        CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment);
        """;

    private SqliteRunStore(SqliteConnection connection)
        : base(connection)
    {
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
        var store = new SqliteRunStore(connection);
        await store.CreateSchemaAsync(Schema, cancellationToken).ConfigureAwait(false);
        return store;
    }
}
