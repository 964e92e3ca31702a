using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Reports;
using Runlens.Server.Http;
using Runlens.Storage;

namespace Runlens.Server;

/// <summary>
/// A stored run's diagnosis, the same JSON `runlens analyze RUN --format json` prints, with uploaded predictions when
/// the run has them (<see cref="StoredPredictions"/>), read by the same reader as the CLI's.
/// </summary>
internal sealed class RunDiagnosis(IRunlensStore store)
{
    /// <summary>Points per series on a run page: each series is reduced to the lowest and highest point of buckets of
    /// consecutive points (extremes and NaNs kept), so a page draws fast whatever the run's size.</summary>
    public const int PagePoints = 2000;

    private const int PagesKept = 256;

    private readonly Diagnoser _diagnoser = new();

    /// <summary>Run pages' diagnoses, with their series already reduced for drawing, by run id; valid while the run's
    /// point count is the same.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Points, Analysis.Diagnoses.Diagnosis Diagnosis)> _pages = new(StringComparer.Ordinal);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _warming = new(StringComparer.Ordinal);

    /// <summary>Whether the run's page is ready for a run of this many points (its diagnosis is kept).</summary>
    public bool IsReady(string runId, long points) => _pages.TryGetValue(runId, out var page) && page.Points == points;

    /// <summary>Starts computing the run's page in the background (once at a time per run); a page asked for meanwhile
    /// is the pending one (<see cref="Reports.Html.PendingRunPage"/>).</summary>
    public void Warm(string runId) =>
        _warming.AddOrUpdate(runId, Start, (id, running) => running.IsCompleted ? Start(id) : running);

    private Task Start(string runId) =>
        Task.Run(async () =>
        {
            try
            {
                await PageAsync(runId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Data.Common.DbException)
            {
                // the next visit tries again (and shows the error inline)
            }
        });

    /// <summary>The run without its points but with every series read from the store reduced to
    /// <see cref="PagePoints"/> points (extremes and NaNs kept, so best and final values stay exact), or null.</summary>
    public async Task<Model.Run?> ReducedRunAsync(string runId, CancellationToken cancellationToken)
    {
        var record = await store.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var series = ImmutableSortedDictionary.CreateBuilder<string, Model.Series>(StringComparer.Ordinal);
        foreach (var (key, _, _) in await store.ListSeriesAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (await store.ReadSeriesAsync(runId, key, PagePoints, cancellationToken).ConfigureAwait(false) is { } s)
            {
                series[key] = s;
            }
        }

        return new Model.Run
        {
            Identity = new Model.RunIdentity(record.Id, record.Name, record.Experiment, new Model.RunSource(record.Format, record.SourcePath), record.ParentId),
            Config = Model.RunConfig.From(record.Params.Select(p => KeyValuePair.Create(p.Key, Model.ConfigValue.Parse(p.Value)))),
            Series = series.ToImmutable(),
            Status = record.Status,
        };
    }

    /// <summary>A run's page: its HTML report drawn from series reduced to <see cref="PagePoints"/> points, or null for
    /// an unknown run. The diagnosis is computed once and kept until the run gains points.</summary>
    public async Task<byte[]?> PageAsync(string runId, CancellationToken cancellationToken)
    {
        var series = await store.ListSeriesAsync(runId, cancellationToken).ConfigureAwait(false);
        var points = series.Sum(x => x.Count);
        if (!_pages.TryGetValue(runId, out var page) || page.Points != points)
        {
            var diagnosis = await DiagnoseAsync(runId, cancellationToken).ConfigureAwait(false);
            if (diagnosis is null)
            {
                return null;
            }

            var reduced = diagnosis.Run with
            {
                Series = diagnosis.Run.Series.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value with { Points = Analysis.Signals.Downsample.MinMax(kv.Value.Points, PagePoints) }, StringComparer.Ordinal),
            };
            if (_pages.Count >= PagesKept)
            {
                _pages.Clear();
            }

            page = (points, diagnosis with { Run = reduced });
            _pages[runId] = page;
        }

        using var output = new MemoryStream();
        Renderers.For("html").Render([page.Diagnosis], output);
        return output.ToArray();
    }

    public Task<byte[]?> JsonAsync(string runId, CancellationToken cancellationToken) => RenderAsync(runId, "json", cancellationToken);

    /// <summary>The run's diagnosis rendered in a report format (<c>json</c>, <c>html</c>), or null for an unknown run.</summary>
    public async Task<byte[]?> RenderAsync(string runId, string format, CancellationToken cancellationToken)
    {
        var diagnosis = await DiagnoseAsync(runId, cancellationToken).ConfigureAwait(false);
        if (diagnosis is null)
        {
            return null;
        }

        using var output = new MemoryStream();
        Renderers.For(format).Render([diagnosis], output);
        return output.ToArray();
    }

    /// <summary>What the runs table shows of a run's diagnosis, kept with the run and computed again only when the run
    /// has gained points since (a live run) — so a page of the runs table costs one small read per run.</summary>
    public async Task<RunSummary?> SummaryAsync(string runId, long points, CancellationToken cancellationToken)
    {
        if (await store.GetBlobAsync(runId, "diagnosis", "summary", cancellationToken).ConfigureAwait(false) is { } cached
            && System.Text.Json.JsonSerializer.Deserialize<RunSummary>(cached) is { } known && known.Points == points)
        {
            return known;
        }

        var diagnosis = await DiagnoseAsync(runId, cancellationToken).ConfigureAwait(false);
        if (diagnosis is null)
        {
            return null;
        }

        var s = diagnosis.Summary;
        var summary = new RunSummary(points, s.Status.ToString().ToLowerInvariant(),
            diagnosis.Findings.GroupBy(f => f.Severity.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            s.PrimaryMetric, s.Best?.Value is { } b && double.IsFinite(b) ? b : null, s.Best?.Step, s.Final?.Value is { } f && double.IsFinite(f) ? f : null, s.Final?.Step);
        await store.ApplyAsync(runId, new Storage.RunChanges { Blobs = [new Storage.RunBlob("diagnosis", "summary", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(summary))] },
            cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private async Task<Analysis.Diagnoses.Diagnosis?> DiagnoseAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var validation = await PredictionsAsync(run.Identity.Id, "validation", cancellationToken).ConfigureAwait(false);
        var training = await PredictionsAsync(run.Identity.Id, "training", cancellationToken).ConfigureAwait(false);
        return _diagnoser.Diagnose(run, validation, training);
    }

    /// <summary>Reads an upload as the CLI would; a file it cannot read is a 400 that says where and why.</summary>
    public static string CheckPredictions(byte[] bytes, string role, string format)
    {
        try
        {
            var file = PredictionsReader.Read($"{role}.{format}", bytes);
            return file.Tokens is { } t ? $"token classification, {t.Sentences.Length} sentences" : $"classification, {file.Classification!.Count} examples, {file.Classification.Classes.Length} classes";
        }
        catch (RunImportException ex)
        {
            throw ApiException.Invalid("predictions: " + ex.Message);
        }
    }

    private async Task<PredictionContext?> PredictionsAsync(string runId, string role, CancellationToken cancellationToken)
    {
        if (await StoredPredictions.FindAsync(store, runId, role, cancellationToken).ConfigureAwait(false) is not { } blob)
        {
            return null;
        }

        var file = PredictionsReader.Read(blob.Source, blob.Bytes);
        return file.Tokens is { } tokens ? PredictionContext.Of(tokens, null, role) : PredictionContext.Of(file.Classification!, null, role);
    }
}
