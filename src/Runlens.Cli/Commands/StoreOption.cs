using System.CommandLine;
using Runlens.Storage;
using Runlens.Storage.Postgres;
using Runlens.Storage.Sqlite;

namespace Runlens.Cli.Commands;

/// <summary><c>--store PATH</c>: the run store file (default <c>$RUNLENS_STORE</c>, else <c>~/.runlens/runlens.db</c>).</summary>
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store") { Description = "Run store: a SQLite file, or PostgreSQL as postgres://user@host:port/db or an Npgsql connection string (default $RUNLENS_STORE or ~/.runlens/runlens.db)" };

    /// <summary>Opens the store the option names: PostgreSQL for a postgres:// URL or connection string, else a SQLite file.
    /// Commands that only read open it with <see cref="StoreAccess.OpenExisting"/>: they never create a file, folder or
    /// table.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be opened (the CLI prints its message and exits 2,
    /// see <see cref="StoreErrorsAction"/>).</exception>
    public static Task<IRunlensStore> OpenAsync(string? given, StoreAccess access, CancellationToken ct) => RunStores.OpenAsync(Resolve(given), access, ct);

    /// <summary>The store as messages name it (a PostgreSQL store without its password).</summary>
    public static string Describe(string? given) => RunStores.Describe(Resolve(given));

    /// <summary>The stored run with this id or (unique) name, or null when there is no store.</summary>
    /// <exception cref="Import.RunImportException">The store has no such run (the message names the store).</exception>
    public static async Task<Model.Run?> FindRunAsync(string idOrName, string? given, CancellationToken ct) =>
        (await FindAsync(idOrName, given, predictions: false, ct))?.Run;

    /// <summary>The stored run with this id or (unique) name and the predictions uploaded for it (each null when there
    /// are none), read with one opening of the store; null when there is no store.</summary>
    /// <exception cref="Import.RunImportException">The store has no such run, or an upload cannot be read (it names the
    /// run and the upload).</exception>
    public static Task<RunWithPredictions?> FindRunWithPredictionsAsync(string idOrName, string? given, CancellationToken ct) =>
        FindAsync(idOrName, given, predictions: true, ct);

    private static async Task<RunWithPredictions?> FindAsync(string idOrName, string? given, bool predictions, CancellationToken ct)
    {
        if (!Exists(given))
        {
            return null;
        }

        await using var store = await OpenAsync(given, StoreAccess.OpenExisting, ct);
        if (await store.GetRunAsync(idOrName, ct) is not { } run)
        {
            throw new Import.RunImportException(idOrName, null, $"no run with id or name '{idOrName}' in {Describe(given)}, and no file or folder by that name",
                "`runlens runs` lists the stored runs; give a run id or name from it, or the path of a log");
        }

        if (!predictions)
        {
            return new RunWithPredictions(run, null, null);
        }

        async Task<Import.Predictions.PredictionsFile?> Read(string role) =>
            await store.GetPredictionsAsync(run.Identity.Id, role, ct) is { } upload
                ? Import.Predictions.PredictionsReader.Read(upload.Source, upload.Bytes)
                : null;

        return new RunWithPredictions(run, await Read("validation"), await Read("training"));
    }

    /// <summary>Whether something is where the store should be (a PostgreSQL server is assumed to be there); a folder
    /// counts, so that opening it says it is not a store.</summary>
    public static bool Exists(string? given) => Resolve(given) is var spec && (PostgresRunStore.IsPostgres(spec) || File.Exists(spec) || Directory.Exists(spec));

    public static string Resolve(string? given) =>
        given ?? (Environment.GetEnvironmentVariable("RUNLENS_STORE") is { Length: > 0 } env ? env : SqliteRunStore.DefaultPath);
}

/// <summary>A run from the store with the predictions uploaded for it.</summary>
internal sealed record RunWithPredictions(Model.Run Run, Import.Predictions.PredictionsFile? Validation, Import.Predictions.PredictionsFile? Training);
