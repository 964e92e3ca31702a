using System.Collections.Immutable;
using Runlens.Analysis.Evaluation;
using Runlens.Model;
using Runlens.Pipeline.Predictions;
using Runlens.Pipeline.Stores;
using Runlens.Storage;

namespace Runlens.Pipeline.Resolution;

/// <summary>
/// Runs in a store, as every host finds and reads them: by id or name (<see cref="LookupAsync"/>), with the predictions
/// uploaded for them (<see cref="ReadAsync"/>), their version (<see cref="StateAsync"/>), or with each series reduced for
/// drawing (<see cref="ReducedAsync"/>).
/// </summary>
public sealed class StoredRuns(StoreAccess store)
{
    public StoreAccess Store { get; } = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>The run with this exact id, else the only run with this exact name.</summary>
    public async Task<RunLookup> LookupAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrName);
        if (await Store.Live.GetRecordAsync(idOrName, cancellationToken).ConfigureAwait(false) is { } byId)
        {
            return new RunLookup(byId.Id, []);
        }

        var named = (await Store.Runs.ListRunsAsync(new RunQuery(NameContains: idOrName, Limit: int.MaxValue), cancellationToken).ConfigureAwait(false))
            .Where(r => string.Equals(r.Name, idOrName, StringComparison.Ordinal)).Select(r => r.Id).ToList();
        return named.Count == 1 ? new RunLookup(named[0], []) : new RunLookup(null, named);
    }

    /// <summary>The run's record, point count and uploads, or null when it is not in the store.</summary>
    public async Task<StoredRunState?> StateAsync(string runId, CancellationToken cancellationToken = default)
    {
        var record = await Store.Live.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : await StateAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run's state from a record already read (a page of the runs table).</summary>
    public async Task<StoredRunState> StateAsync(RunRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var points = (await Store.Live.ListSeriesAsync(record.Id, cancellationToken).ConfigureAwait(false)).Sum(s => s.Count);
        return new StoredRunState(record, points, await UploadsAsync(record.Id, cancellationToken).ConfigureAwait(false),
            await Store.Live.GetRevisionAsync(record.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The whole run (every point) with its uploaded predictions, or null when it is not in the store.</summary>
    /// <param name="slices">The slice columns of the predictions (<c>--group-by</c>, …), or none.</param>
    /// <exception cref="Import.RunImportException">An upload cannot be read (it names the run and the upload).</exception>
    public async Task<ResolvedRun?> ReadAsync(string runId, SliceSpec? slices = null, CancellationToken cancellationToken = default)
    {
        var run = await Store.Runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return run is null ? null : With(run, await UploadsAsync(run.Identity.Id, cancellationToken).ConfigureAwait(false), slices);
    }

    /// <summary>The whole run with the uploads of a state already read.</summary>
    public async Task<ResolvedRun?> ReadAsync(StoredRunState state, SliceSpec? slices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var run = await Store.Runs.GetRunAsync(state.Record.Id, cancellationToken).ConfigureAwait(false);
        return run is null ? null : With(run, state.Uploads, slices);
    }

    private async Task<Dictionary<string, (string, string, byte[])>> UploadsAsync(string runId, CancellationToken cancellationToken)
    {
        var uploads = new Dictionary<string, (string, string, byte[])>(StringComparer.Ordinal);
        foreach (var role in StoredPredictions.Roles)
        {
            if (await Store.Attachments.GetPredictionsAsync(runId, role, cancellationToken).ConfigureAwait(false) is { } upload)
            {
                uploads[role] = (upload.Name, upload.Source, upload.Bytes);
            }
        }

        return uploads;
    }

    private static ResolvedRun With(Run run, IReadOnlyDictionary<string, (string Name, string Source, byte[] Bytes)> uploads, SliceSpec? slices)
    {
        PredictionContext? Upload(string role) => uploads.TryGetValue(role, out var blob) ? PredictionInputs.FromUpload(blob, slices, role) : null;
        return new ResolvedRun(run, Upload("validation"), Upload("training"));
    }

    /// <summary>The run without its points but with every series read from the store reduced to
    /// <paramref name="maxPoints"/> points (extremes and NaNs kept, so best and final values stay exact), or null.</summary>
    public async Task<Run?> ReducedAsync(string runId, int maxPoints, CancellationToken cancellationToken = default)
    {
        var record = await Store.Live.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        foreach (var (key, _, _) in await Store.Live.ListSeriesAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (await Store.Runs.ReadSeriesAsync(runId, key, maxPoints, cancellationToken).ConfigureAwait(false) is { } s)
            {
                series[key] = s;
            }
        }

        return new Run
        {
            Identity = new RunIdentity(record.Id, record.Name, record.Experiment, new RunSource(record.Format, record.SourcePath), record.ParentId),
            Config = RunConfig.From(record.Params.Select(p => KeyValuePair.Create(p.Key, ConfigValue.Parse(p.Value)))),
            Series = series.ToImmutable(),
            Status = record.Status,
        };
    }

    /// <summary>The ids of an experiment's runs, oldest import first (so that a sweep keeps its order whatever was
    /// imported last); empty when it has none.</summary>
    public async Task<IReadOnlyList<string>> ExperimentAsync(string experiment, CancellationToken cancellationToken = default) =>
        [.. (await Store.Runs.ListRunsAsync(new RunQuery(experiment, null, int.MaxValue), cancellationToken).ConfigureAwait(false))
            .OrderBy(r => r.ImportedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => r.Id)];

    /// <summary>The experiments that have runs, by name.</summary>
    public async Task<IReadOnlyList<string>> ExperimentNamesAsync(CancellationToken cancellationToken = default) =>
        [.. (await Store.Runs.ListRunsAsync(new RunQuery(null, null, int.MaxValue), cancellationToken).ConfigureAwait(false))
            .Select(r => r.Experiment).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
