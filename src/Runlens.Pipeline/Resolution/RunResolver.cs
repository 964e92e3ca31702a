using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Output;
using Runlens.Pipeline.Stores;

namespace Runlens.Pipeline.Resolution;

/// <summary>
/// Finds what a command line names — a log file or run folder, a folder <c>runlens run</c> wrote, or the id or name of
/// a run in the store — and returns each run with everything that belongs to it: a stored run's uploaded predictions, a
/// <c>runlens run</c> folder's process events, crash, system readings and control actions. The store is opened once,
/// when first needed, and closed with the resolver.
/// </summary>
/// <param name="storeSpec">The <c>--store</c> argument (else <c>$RUNLENS_STORE</c>, else the default store).</param>
/// <param name="import">How a path is imported (the CLI shows a progress bar for large logs); default: the importers.</param>
public sealed class RunResolver(string? storeSpec, Func<string, CancellationToken, Task<ImportResult>>? import = null) : IAsyncDisposable
{
    private StoreAccess? _store;

    /// <summary>What this resolver could not read but went on without, one line each (the trainer's log of a
    /// <c>runlens run</c> folder, its control.json).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The run(s) at <paramref name="pathOrId"/>: every run of a path (an mlruns/ folder holds several), or the
    /// stored run with that id or name with its uploads.</summary>
    /// <param name="slices">The slice columns for a stored run's uploaded predictions.</param>
    /// <exception cref="RunImportException">Nothing readable there, or an upload that cannot be read: one line that says
    /// where and why.</exception>
    public async Task<IReadOnlyList<ResolvedRun>> ResolveAsync(string pathOrId, SliceSpec? slices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pathOrId);
        if (RunFolder.Is(pathOrId))
        {
            var read = await RunFolder.ReadAsync(pathOrId, cancellationToken).ConfigureAwait(false);
            if (read.Problem is { } problem)
            {
                Problems.Add(problem);
            }

            return [new ResolvedRun(read.Run)];
        }

        if (!File.Exists(pathOrId) && !Directory.Exists(pathOrId))
        {
            if (await StoredAsync(pathOrId, slices, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return [stored];
            }

            throw _store is null
                ? new RunImportException(pathOrId, null, $"no such file or folder, and no run with that id or name in the store ({StoreName})",
                    "give a log path, or a run from `runlens runs`")
                : new RunImportException(pathOrId, null, $"no run with id or name '{pathOrId}' in {StoreName}",
                    "`runlens runs` lists them; or give a log path");
        }

        var imported = await (import ?? ((p, ct) => ImporterCatalog.ImportAsync(p, ImportContext.None, ct)))(pathOrId, cancellationToken).ConfigureAwait(false);
        return [.. imported.Runs.Select(r => new ResolvedRun(r))];
    }

    /// <summary>The stored runs, opened once; null when there is no store.</summary>
    public async Task<StoredRuns?> StoreAsync(CancellationToken cancellationToken = default)
    {
        if (_store is null && StoreLocation.Exists(storeSpec))
        {
            _store = await StoreLocation.OpenAsync(storeSpec, Storage.StoreOpenMode.OpenExisting, cancellationToken).ConfigureAwait(false);
        }

        return _store is null ? null : new StoredRuns(_store);
    }

    /// <summary>Where the store is, for messages.</summary>
    public string StoreName => StoreLocation.Describe(storeSpec);

    private async Task<ResolvedRun?> StoredAsync(string idOrName, SliceSpec? slices, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idOrName) || await StoreAsync(cancellationToken).ConfigureAwait(false) is not { } runs)
        {
            return null;
        }

        var lookup = await runs.LookupAsync(idOrName, cancellationToken).ConfigureAwait(false);
        if (lookup.Named.Count > 1)
        {
            throw new RunImportException(idOrName, null, lookup.Cause(idOrName) + $" in the store ({StoreName})", "pass the run id instead (`runlens runs` lists them)");
        }

        return lookup.Id is { } id ? await runs.ReadAsync(id, slices, cancellationToken).ConfigureAwait(false) : null;
    }

    public ValueTask DisposeAsync() => _store?.DisposeAsync() ?? ValueTask.CompletedTask;
}
