using System.CommandLine;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary><c>--store PATH</c>: the run store file (default <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>); which
/// store it names is the pipeline's <see cref="StoreLocation"/>.</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store") { Description = "Run store: a SQLite file, or PostgreSQL as postgres://user@host:port/db or an Npgsql connection string (default $RUNLENS_STORE or ~/.runlens/runlens.db)" };

    /// <summary>Opens the store the option names: PostgreSQL for a postgres:// URL or connection string, else a SQLite file.
    /// Commands that only read open it with <see cref="StoreOpenMode.OpenExisting"/>: they never create a file, folder or
    /// table.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be opened (the CLI prints its message and exits 2,
    /// see <see cref="StoreErrorsAction"/>).</exception>
    public static Task<IRunlensStore> OpenAsync(string? given, StoreOpenMode mode, CancellationToken ct) => RunStores.OpenAsync(Resolve(given), mode, ct);

    /// <summary>The store as messages name it (a PostgreSQL store without its password).</summary>
    public static string Describe(string? given) => StoreLocation.Describe(given);

    /// <summary>Whether something is where the store should be (a folder counts, so that opening it says it is not a store).</summary>
    public static bool Exists(string? given) => StoreLocation.Exists(given);

    public static string Resolve(string? given) => StoreLocation.Resolve(given);
}
