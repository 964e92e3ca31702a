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

    /// <summary>Whether something is where the store should be (a PostgreSQL server is assumed to be there); a folder
    /// counts, so that opening it says it is not a store.</summary>
    public static bool Exists(string? given) =>
        Resolve(given) is var spec && (PostgresRunStore.IsPostgres(spec) || File.Exists(spec) || Directory.Exists(spec));

    /// <summary>The store as messages name it (a PostgreSQL store without its password).</summary>
    public static string Describe(string? given) => RunStores.Describe(Resolve(given));

    /// <summary>Opens the store the argument names; disposing the access closes it. Commands that only read open it with
    /// <see cref="StoreOpenMode.OpenExisting"/> and never create a file, folder or table.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be opened; the message is one line that says why.</exception>
    public static async Task<StoreAccess> OpenAsync(string? given, StoreOpenMode mode, CancellationToken cancellationToken = default) =>
        StoreAccess.Owning(await RunStores.OpenAsync(Resolve(given), mode, cancellationToken).ConfigureAwait(false));
}
