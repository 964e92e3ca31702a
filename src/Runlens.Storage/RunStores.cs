using Runlens.Storage.Postgres;
using Runlens.Storage.Sql;
using Runlens.Storage.Sqlite;

namespace Runlens.Storage;

/// <summary>Opens the store a <c>--store</c> argument names.</summary>
public static class RunStores
{
    /// <summary>PostgreSQL for a <c>postgres://</c> URL or an Npgsql connection string, else a SQLite file (created when
    /// missing).</summary>
    public static async Task<SqlRunStore> OpenAsync(string spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PostgresRunStore.IsPostgres(spec)
            ? await PostgresRunStore.OpenAsync(spec, cancellationToken).ConfigureAwait(false)
            : await SqliteRunStore.OpenAsync(spec, cancellationToken).ConfigureAwait(false);
    }
}
