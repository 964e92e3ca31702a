using System.Collections.Concurrent;
using Runlens.Analysis.Diagnoses;
using Runlens.Pipeline.Resolution;
using Runlens.Reports;
using Runlens.Reports.Contracts;
using Runlens.Storage;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>
/// Stored runs' diagnoses for the hosts that serve a store (the server's API and pages, the MCP server) and for
/// <c>runlens analyze RUN-ID</c>: each run read with its uploaded predictions, diagnosed with the one set of rule
/// options, and kept while its <see cref="RunVersion"/> is the same — so the same run gives the same diagnosis JSON
/// over HTTP, MCP and the CLI, and a new point, upload or option is seen at once.
/// </summary>
public sealed class StoredDiagnoses(StoredRuns runs, DiagnosisService service)
{
    /// <summary>Points per series on a run page: each series is reduced to the lowest and highest point of buckets of
    /// consecutive points (extremes and NaNs kept), so a page draws fast whatever the run's size.</summary>
    public const int PagePoints = 2000;

    /// <summary>Where the runs table's summary is kept with the run (a run blob).</summary>

    private readonly DiagnosisCache _cache = new();
    private readonly ConcurrentDictionary<string, Task> _warming = new(StringComparer.Ordinal);

    public StoredRuns Runs { get; } = runs ?? throw new ArgumentNullException(nameof(runs));

    public DiagnosisService Service { get; } = service ?? throw new ArgumentNullException(nameof(service));

    /// <summary>Runs whose diagnosis is kept.</summary>
    public int Held => _cache.Count;

    /// <summary>Points of the full diagnoses kept (the page forms are not counted).</summary>
    public long HeldPoints => _cache.FullPoints;

    /// <summary>Points of the page forms kept, counted as the most each can hold.</summary>
    public long HeldPagePoints => _cache.PagePoints;

    /// <summary>The diagnoses of a store's runs under these rule options.</summary>
    public static StoredDiagnoses Over(Stores.StoreAccess store, Settings.PipelineSettings? settings = null) =>
        new(new StoredRuns(store), new DiagnosisService(settings));

    /// <summary>The run's version now, or null when it is not in the store.</summary>
    public async Task<RunVersion?> VersionAsync(string runId, CancellationToken cancellationToken = default) =>
        (await Runs.StateAsync(runId, cancellationToken).ConfigureAwait(false))?.Version(Service.Settings.Hash);

    /// <summary>The run's full diagnosis, or null when it is not in the store.</summary>
    /// <exception cref="Import.RunImportException">An upload of the run cannot be read (it names the run and the upload).</exception>
    public async Task<Diagnosis?> DiagnoseAsync(string runId, CancellationToken cancellationToken = default)
    {
        var state = await Runs.StateAsync(runId, cancellationToken).ConfigureAwait(false);
        return state is null ? null : await DiagnoseAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Diagnosis?> DiagnoseAsync(StoredRunState state, CancellationToken cancellationToken)
    {
        var id = state.Record.Id;
        var version = state.Version(Service.Settings.Hash);
        if (_cache.Full(id, version) is { } kept)
        {
            PipelineMetrics.Hit(true, "full");
            return kept;
        }

        PipelineMetrics.Hit(false, "full");

        var resolved = await Runs.ReadAsync(state, null, cancellationToken).ConfigureAwait(false);
        if (resolved is null)
        {
            return null;
        }

        var diagnosis = Service.Diagnose(resolved);
        _cache.Put(id, version, diagnosis);
        return diagnosis;
    }

    /// <summary>The run's diagnosis in a report format (<c>json</c>, <c>md</c>, <c>html</c>), or null for an unknown run.</summary>
    public async Task<byte[]?> RenderAsync(string runId, string format, CancellationToken cancellationToken = default)
    {
        var renderer = Renderers.For(format);
        var diagnosis = await DiagnoseAsync(runId, cancellationToken).ConfigureAwait(false);
        return diagnosis is null ? null : Render(renderer, diagnosis);
    }

    /// <summary>Whether the run's page is ready for this version of the run (its diagnosis is kept).</summary>
    public bool IsReady(string runId, RunVersion version) => _cache.Page(runId, version) is not null;

    /// <summary>A run's page: its HTML report drawn from series reduced to <see cref="PagePoints"/>
    /// points, or null for an unknown run.</summary>
    public async Task<byte[]?> PageAsync(string runId, CancellationToken cancellationToken = default)
    {
        var state = await Runs.StateAsync(runId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return null;
        }

        var version = state.Version(Service.Settings.Hash);
        var page = _cache.Page(runId, version);
        if (page is not null)
        {
            PipelineMetrics.Hit(true, "page");
        }
        else
        {
            if (await DiagnoseAsync(state, cancellationToken).ConfigureAwait(false) is null)
            {
                return null;
            }

            page = _cache.Page(runId, version);
        }

        return page is null ? null : Render(Renderers.For("html"), page);
    }

    /// <summary>Starts diagnosing the run in the background (once at a time per run), so that its page is ready later.
    /// A run is remembered only while its warming runs, so visits to many runs leave nothing behind.</summary>
    public void Warm(string runId)
    {
        var running = _warming.AddOrUpdate(runId, Start, (id, running) => running.IsCompleted ? Start(id) : running);
        _ = running.ContinueWith(done => _warming.TryRemove(KeyValuePair.Create(runId, done)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs being warmed now.</summary>
    internal int Warming => _warming.Count;

    private Task Start(string runId) =>
        Task.Run(async () =>
        {
            try
            {
                await PageAsync(runId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Data.Common.DbException or Import.RunImportException)
            {
                // the next visit tries again (and shows the error)
            }
        });

    /// <summary>What the runs table shows of a run's diagnosis, kept with the run in the store and made again only when
    /// the run's version changed — so a page of the runs table costs a few small reads per run.</summary>
    /// <param name="keepInStore">False for a host answering a read (the server): a summary kept in the store is used, a
    /// new one comes from the diagnosis kept in memory and nothing is written.</param>
    public async Task<RunSummary?> SummaryAsync(RunRecord record, bool keepInStore = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = await Runs.StateAsync(record, cancellationToken).ConfigureAwait(false);
        var version = state.Version(Service.Settings.Hash).Key;
        if (await KeptAsync(record.Id, version, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            return kept;
        }

        var diagnosis = await DiagnoseAsync(state, cancellationToken).ConfigureAwait(false);
        if (diagnosis is null)
        {
            return null;
        }

        var summary = RunSummary.From(diagnosis, version);
        if (!keepInStore)
        {
            return summary;
        }

        await Runs.Store.Attachments.PutDiagnosisSummaryAsync(record.Id, summary.ToBytes(), cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>The summary kept with the run when it is still valid for the run's version now; null otherwise. Nothing
    /// is diagnosed.</summary>
    public async Task<RunSummary?> KeptSummaryAsync(RunRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = await Runs.StateAsync(record, cancellationToken).ConfigureAwait(false);
        return await KeptAsync(record.Id, state.Version(Service.Settings.Hash).Key, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunSummary?> KeptAsync(string runId, string version, CancellationToken cancellationToken) =>
        await Runs.Store.Attachments.GetDiagnosisSummaryAsync(runId, cancellationToken).ConfigureAwait(false) is { } cached
        && RunSummary.Read(cached) is { } known && known.Version == version
            ? known
            : null;

    private static byte[] Render(IDiagnosisRenderer renderer, Diagnosis diagnosis)
    {
        using var output = new MemoryStream();
        renderer.Render([diagnosis], output);
        return output.ToArray();
    }
}
