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
        CREATE TABLE IF NOT EXISTS run_metrics (
            run_id TEXT NOT NULL, name TEXT NOT NULL, series_key TEXT NOT NULL, value REAL, differs INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, name));
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment);
        """;

    /// <summary>Indexes search uses, created once the columns they need exist (<see cref="Added"/>).</summary>
    private const string SearchIndexes = """
        CREATE INDEX IF NOT EXISTS series_original ON series (run_id, original_name);
        CREATE INDEX IF NOT EXISTS runs_start ON runs (start_ms DESC, id);
        CREATE INDEX IF NOT EXISTS runs_by_name ON runs (name, start_ms DESC, id);
        CREATE INDEX IF NOT EXISTS runs_pending ON runs (id) WHERE pending_blocks > 0;
        CREATE INDEX IF NOT EXISTS config_value ON config (key, text);
        CREATE INDEX IF NOT EXISTS tags_value ON tags (key, value);
        CREATE INDEX IF NOT EXISTS run_metrics_value ON run_metrics (name, value);
        CREATE INDEX IF NOT EXISTS run_metrics_differs ON run_metrics (name) WHERE differs = 1;
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
        ("runs", "start_ms", "INTEGER"), ("runs", "end_ms", "INTEGER"),
    ];

    /// <summary>The first bytes of every SQLite database file.</summary>
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    private readonly string _connectionString;

    private SqliteRunStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>The file the CLI uses when no <c>--store</c> is given: <c>~/.runlens/runlens.db</c>.</summary>
    public static string DefaultPath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".runlens", "runlens.db");

    protected override string ForUpdate => "";

    internal override SearchDialect Dialect => SqliteSearchDialect.Instance;

    /// <summary>Opens the store at <paramref name="path"/>, creating it (and its folder) when it is missing and
    /// <paramref name="access"/> allows.</summary>
    /// <exception cref="StoreUnavailableException">A folder, a file that is not a Runlens store, one that cannot be
    /// read, a missing store with <see cref="StoreOpenMode.OpenExisting"/>.</exception>
    public static async Task<SqliteRunStore> OpenAsync(string path, StoreOpenMode access = StoreOpenMode.OpenOrCreate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var exists = Check(path, access);
        var store = new SqliteRunStore(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = access == StoreOpenMode.OpenExisting ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString());
        try
        {
            if (exists)
            {
                await store.CheckTablesAsync(path, cancellationToken).ConfigureAwait(false);
            }

            await store.ExecuteAsync(Schema, cancellationToken).ConfigureAwait(false);
            await store.UpgradeAsync(cancellationToken).ConfigureAwait(false);
            await store.EnsureDefaultExperimentAsync(cancellationToken).ConfigureAwait(false);
            await store.PrepareSearchAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch (SqliteException ex)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw ex.SqliteErrorCode switch
            {
                26 => NotAStore(path, "the file is not a SQLite database", ex),
                14 => new StoreUnavailableException($"{path}: cannot open the Runlens store — {ex.Message.TrimEnd('.')}; check that the file and its folder can be read and written", ex),
                8 => new StoreUnavailableException($"{path}: cannot write to the Runlens store — it is read-only; make the file and its folder writable", ex),
                _ => new StoreUnavailableException($"{path}: cannot use the Runlens store — {ex.Message.TrimEnd('.')}", ex),
            };
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What the path is, before SQLite sees it: true when a store file is there, false when one is to be
    /// created (its folder made now).</summary>
    private static bool Check(string path, StoreOpenMode access)
    {
        if (Directory.Exists(path))
        {
            throw NotAStore(path, $"it is a folder; give a file, such as {Path.Combine(path, "runlens.db")}", null);
        }

        if (File.Exists(path))
        {
            var head = new byte[Header.Length];
            int read;
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new StoreUnavailableException($"{path}: cannot read the Runlens store — {ex.Message.TrimEnd('.')}; check the file's permissions", ex);
            }

            if (read == 0 && access == StoreOpenMode.OpenExisting)
            {
                throw NotAStore(path, "the file is empty; give the path of a store, or create one with `runlens import PATH --store FILE`", null);
            }

            if (read > 0 && (read < head.Length || !head.AsSpan().SequenceEqual(Header)))
            {
                throw NotAStore(path, "the file is not a SQLite database; check --store (or $RUNLENS_STORE)", null);
            }

            return read > 0;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (access == StoreOpenMode.OpenExisting)
        {
            throw new StoreUnavailableException(!string.IsNullOrEmpty(folder) && !Directory.Exists(folder)
                ? $"{path}: no Runlens store here — the folder {folder} does not exist; check --store (or $RUNLENS_STORE), or create a store with `runlens import PATH --store FILE`"
                : $"{path}: no Runlens store here yet; check --store (or $RUNLENS_STORE), or create one with `runlens import PATH --store FILE`");
        }

        if (!string.IsNullOrEmpty(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new StoreUnavailableException($"{path}: cannot create the Runlens store — its folder cannot be made ({ex.Message.TrimEnd('.')})", ex);
            }
        }

        return false;
    }

    /// <summary>Refuses a SQLite database that holds other tables but not Runlens' (someone else's database).</summary>
    private async Task CheckTablesAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), SUM(name = 'runs') FROM sqlite_master WHERE type = 'table'";
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await r.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (r.GetInt64(0) > 0 && (r.IsDBNull(1) || r.GetInt64(1) == 0))
        {
            throw NotAStore(path, "it is a SQLite database without Runlens' tables; give the path of a Runlens store", null);
        }
    }

    private static StoreUnavailableException NotAStore(string path, string why, Exception? inner) =>
        inner is null
            ? new StoreUnavailableException($"{path}: not a Runlens store (a SQLite database) — {why}")
            : new StoreUnavailableException($"{path}: not a Runlens store (a SQLite database) — {why}", inner);

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        connection.CreateFunction<string?, string?>(SqliteSearchDialect.FoldFunction, s => s is null ? null : Search.LikePattern.FoldCase(s), isDeterministic: true);
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
        index.CommandText = SearchIndexes;
        await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }
}
