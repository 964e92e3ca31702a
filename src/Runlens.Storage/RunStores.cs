using Runlens.Storage.Postgres;
using Runlens.Storage.Sqlite;

namespace Runlens.Storage;

/// <summary>Opens the store a <c>--store</c> argument names.</summary>
public static class RunStores
{
    /// <summary>PostgreSQL for a <c>postgres://</c> URL or an Npgsql connection string, else a SQLite file; created
    /// when missing only with <see cref="StoreOpenMode.OpenOrCreate"/>.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be opened; the message is one line that says why.</exception>
    public static async Task<IRunlensStore> OpenAsync(string spec, StoreOpenMode access, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PostgresRunStore.IsPostgres(spec)
            ? await PostgresRunStore.OpenAsync(spec, access, cancellationToken).ConfigureAwait(false)
            : await SqliteRunStore.OpenAsync(spec, access, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The store as messages name it (a PostgreSQL store without its password).</summary>
    public static string Describe(string spec) => PostgresRunStore.IsPostgres(spec) ? PostgresRunStore.Describe(spec) : spec;
}
