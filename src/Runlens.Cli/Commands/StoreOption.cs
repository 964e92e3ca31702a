using System.CommandLine;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Cli.Commands;

/// <summary><c>--store PATH</c>: the run store file (default <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>); which
/// store it names is the pipeline's <see cref="StoreLocation"/>.</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store") { Description = "Run store: a SQLite file, or PostgreSQL as postgres://user@host:port/db or an Npgsql connection string (default $RUNLENS_STORE or ~/.runlens/runlens.db)" };

    /// <summary>Opens the store the option names: PostgreSQL for a postgres:// URL or connection string, else a SQLite file.</summary>
    public static async Task<IRunStore> OpenAsync(string? given, CancellationToken ct) => await RunStores.OpenAsync(Resolve(given), ct);

    /// <summary>Whether the store exists already (a PostgreSQL server is assumed to).</summary>
    public static bool Exists(string? given) => StoreLocation.Exists(given);

    public static string Resolve(string? given) => StoreLocation.Resolve(given);
}
