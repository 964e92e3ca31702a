using System.CommandLine;
using Runlens.Storage;
using Runlens.Storage.Postgres;
using Runlens.Storage.Sqlite;

namespace Runlens.Cli.Commands;

/// <summary><c>--store PATH</c>: the run store file (default <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>).</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store") { Description = "Run store: a SQLite file, or PostgreSQL as postgres://user@host:port/db or an Npgsql connection string (default $RUNLENS_STORE or ~/.runlens/runlens.db)" };

    /// <summary>Opens the store the option names: PostgreSQL for a postgres:// URL or connection string, else a SQLite file.</summary>
    public static async Task<IRunStore> OpenAsync(string? given, CancellationToken ct) => await RunStores.OpenAsync(Resolve(given), ct);

    /// <summary>The stored run with this id or (unique) name, or null when there is no store or no such run.</summary>
    public static async Task<Model.Run?> FindRunAsync(string idOrName, string? given, CancellationToken ct)
    {
        if (!Exists(given))
        {
            return null;
        }

        await using var store = await OpenAsync(given, ct);
        return await store.GetRunAsync(idOrName, ct);
    }

    /// <summary>The predictions uploaded for a stored run (validation, training), each null when there are none.</summary>
    /// <exception cref="Import.RunImportException">An upload that cannot be read (it names the run and the upload).</exception>
    public static async Task<(Import.Predictions.PredictionsFile? Validation, Import.Predictions.PredictionsFile? Training)> PredictionsAsync(string runId, string? given, CancellationToken ct)
    {
        await using var store = await OpenAsync(given, ct);
        if (store is not ILiveRunStore live)
        {
            return (null, null);
        }

        async Task<Import.Predictions.PredictionsFile?> Read(string role) =>
            await StoredPredictions.FindAsync(live, runId, role, ct) is { } blob
                ? Import.Predictions.PredictionsReader.Read($"run {runId}: uploaded {blob.Name}", blob.Bytes)
                : null;

        return (await Read("validation"), await Read("training"));
    }

    /// <summary>Whether the store exists already (a PostgreSQL server is assumed to).</summary>
    public static bool Exists(string? given) => Resolve(given) is var spec && (PostgresRunStore.IsPostgres(spec) || File.Exists(spec));

    public static string Resolve(string? given) =>
        given ?? (Environment.GetEnvironmentVariable("RUNLENS_STORE") is { Length: > 0 } env ? env : SqliteRunStore.DefaultPath);
}
