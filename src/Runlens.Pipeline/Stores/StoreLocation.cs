using Runlens.Storage;
using Runlens.Storage.Postgres;
using Runlens.Storage.Sqlite;

namespace Runlens.Pipeline.Stores;

/// <summary>Which store a <c>--store</c> argument names (else <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>),
/// and opening it.</summary>
public static class StoreLocation
{
    /// <summary>The store's spec: the argument, else <c>$RUNLENS_STORE</c>, else the default SQLite file.</summary>
    public static string Resolve(string? given) =>
        given ?? (Environment.GetEnvironmentVariable("RUNLENS_STORE") is { Length: > 0 } env ? env : SqliteRunStore.DefaultPath);

    /// <summary>Whether the store exists already (a PostgreSQL server is assumed to).</summary>
    public static bool Exists(string? given) => Resolve(given) is var spec && (PostgresRunStore.IsPostgres(spec) || File.Exists(spec));

    /// <summary>Opens (creating when missing) the store the argument names; disposing the access closes it.</summary>
    public static async Task<StoreAccess> OpenAsync(string? given, CancellationToken cancellationToken = default) =>
        StoreAccess.Owning(await RunStores.OpenAsync(Resolve(given), cancellationToken).ConfigureAwait(false));
}
