using System.CommandLine;
using Runlens.Storage.Sqlite;

namespace Runlens.Cli.Commands;

/// <summary><c>--store PATH</c>: the run store file (default <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>).</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store") { Description = "Run store: a SQLite file (default $RUNLENS_STORE or ~/.runlens/runlens.db)" };

    public static string Resolve(string? given) =>
        given ?? (Environment.GetEnvironmentVariable("RUNLENS_STORE") is { Length: > 0 } env ? env : SqliteRunStore.DefaultPath);
}
