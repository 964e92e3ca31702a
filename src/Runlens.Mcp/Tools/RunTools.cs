using System.ComponentModel;
using System.Globalization;
using ModelContextProtocol.Server;
using Runlens.Analysis.Signals;
using Runlens.Import;
using Runlens.Mcp.Answers;
using Runlens.Model;
using Runlens.Pipeline.Diagnosing;
using Runlens.Reports.Contracts;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Mcp.Tools;

/// <summary>Tools that read (and add) runs in the store: <c>list_runs</c>, <c>get_run</c>, <c>get_metric_history</c>,
/// <c>import_run</c>.</summary>
[McpServerToolType]
internal sealed class RunTools(McpRunContext context)
{
    public const string ListRuns = "list_runs";
    public const string GetRun = "get_run";
    public const string GetMetricHistory = "get_metric_history";
    public const string ImportRun = "import_run";

    /// <summary>Largest page of <c>list_runs</c>.</summary>
    public const int MaxPage = 200;

    /// <summary>Most points <c>get_metric_history</c> returns.</summary>
    public const int MaxHistoryPoints = 5000;

    /// <summary>Series up to this many points are read whole and reduced in memory (<see cref="Downsample.MinMax"/>);
    /// longer ones are reduced by the store.</summary>
    public const int InMemoryPoints = 250_000;

    private const int ConfigKeysShown = 200;
    private const int EventsShown = 20;
    private const int CheckpointsShown = 20;

    [McpServerTool(Name = ListRuns, ReadOnly = true, Idempotent = true, Title = "List runs")]
    [Description("Lists the runs in the Runlens store, one page at a time, newest start time first (or as order_by says). "
        + "Each run: id, name, experiment, status, start_time, source format, series and point counts, the latest value of the "
        + "metrics you name in 'metrics', and, when the run was diagnosed before (by the web UI's runs table) and has not changed since, "
        + "its stored diagnosis digest (status, finding counts by severity, primary metric best/final). Nothing is diagnosed by this "
        + "call: use diagnose_run for a run's findings. Returns {total, offset, limit, next_offset, next_page_token, runs:[...]}, "
        + "about 200 bytes per run (10 KB for the default page of 50); next_offset and next_page_token are null on the last page. "
        + "metrics.NAME in filter and order_by also finds runs that logged the metric under another spelling of its key "
        + "(eval_loss, val_loss: val/loss); a name no run has is an error that lists the names there are. Use it to find run "
        + "ids for the other tools.")]
    public Task<string> ListRunsAsync(
        [Description("MLflow search_runs filter, e.g. \"metrics.eval_loss < 0.5 and params.learning_rate = '0.0001'\" or \"tags.team = 'nlp'\". Metric and param names as logged. Empty: all runs.")] string? filter = null,
        [Description("Only runs of this experiment (exact name).")] string? experiment = null,
        [Description("Only runs with this status: running, finished, failed, killed or unknown.")] string? status = null,
        [Description("Only runs whose name or id contains this text (case-insensitive).")] string? name = null,
        [Description("Metric names (as logged, e.g. eval_loss, or as keys, e.g. val/accuracy) whose latest value (highest step) to include for each run.")] string[]? metrics = null,
        [Description("MLflow order_by clauses, e.g. [\"metrics.eval_loss ASC\"] or [\"attributes.start_time DESC\"]. Default: start time, newest first.")] string[]? order_by = null,
        [Description("Runs per page, 1 to 200 (default 50).")] int limit = 50,
        [Description("How many runs to skip: 0 for the first page, then the next_offset of the previous page.")] int offset = 0,
        [Description("Instead of offset: the next_page_token of the previous page, which stays put while runs arrive.")] string? page_token = null,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(ListRuns, async () =>
        {
            if (limit is < 1 or > MaxPage)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"limit must be between 1 and {MaxPage}, got {limit}"));
            }

            if (offset < 0)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"offset must be 0 or more, got {offset}"));
            }

            RunStatus? wantedStatus = null;
            if (!string.IsNullOrWhiteSpace(status))
            {
                wantedStatus = Enum.TryParse<RunStatus>(status.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(status.Trim()[0])
                    ? parsed
                    : throw ToolError.Bad($"status '{status}' is not one of running, finished, failed, killed, unknown");
            }

            try
            {
                RunFilter.Parse(filter);
            }
            catch (SearchSyntaxException ex)
            {
                throw ToolError.Bad($"filter: {ex.Message} (MLflow search syntax, e.g. \"metrics.eval_loss < 0.5 and params.optimizer = 'adamw'\")");
            }

            try
            {
                RunOrder.Parse(order_by);
            }
            catch (SearchSyntaxException ex)
            {
                throw ToolError.Bad($"order_by: {ex.Message} (e.g. [\"metrics.eval_loss ASC\"])");
            }

            var store = context.Store;
            RunPage found;
            try
            {
                found = await store.Search.SearchRunsAsync(new RunSearch
                {
                    Filter = filter,
                    OrderBy = order_by ?? [],
                    Experiments = experiment is null ? null : [experiment],
                    Status = wantedStatus,
                    NameContains = name,
                    PageSize = limit,
                    Offset = offset,
                    PageToken = string.IsNullOrEmpty(page_token) ? null : page_token,
                    CountTotal = true,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (SearchSyntaxException ex)
            {
                // a name no stored run has (the message lists those that exist), or a page token of another search
                throw ToolError.Bad(ex.Message);
            }

            var page = found.Runs;
            // Series and point counts for the page only (one indexed query per run), not for every matching run.
            var counts = new Dictionary<string, (int Series, long Points)>(StringComparer.Ordinal);
            foreach (var r in page)
            {
                var series = await store.Live.ListSeriesAsync(r.Id, cancellationToken).ConfigureAwait(false);
                counts[r.Id] = (series.Count, series.Sum(x => x.Count));
            }

            var digests = new Dictionary<string, RunSummary>(StringComparer.Ordinal);
            foreach (var r in page)
            {
                // The digest the web UI's runs table keeps with the run, while it is valid for the run as it is now.
                if (await context.Diagnoses.KeptSummaryAsync(r, cancellationToken).ConfigureAwait(false) is { } kept)
                {
                    digests[r.Id] = kept;
                }
            }

            return CompactJson.Write(
                new ListRunsAnswer(found.Total ?? 0, offset, limit,
                    found.NextPageToken is not null && string.IsNullOrEmpty(page_token) ? offset + page.Count : null, found.NextPageToken,
                    [.. page.Select(r => Listed(r, counts[r.Id], metrics, digests.GetValueOrDefault(r.Id)))]),
                McpJsonContext.Compact.ListRunsAnswer);
        });

    private static ListedRunJson Listed(RunRecord r, (int Series, long Points) counts, string[]? metrics, RunSummary? digest)
    {
        Dictionary<string, LatestMetricJson?>? latest = null;
        if (metrics is { Length: > 0 })
        {
            latest = new(StringComparer.Ordinal);
            foreach (var m in metrics)
            {
                latest[m] = MetricVocabulary.Find(r, m) is { } v ? new LatestMetricJson(v.Value, v.Step) : null;
            }
        }

        return new ListedRunJson(r.Id, r.Name, r.Experiment, RunJson.StatusText(r.Status), r.StartTime, r.Format, counts.Series, counts.Points, latest, digest);
    }

    [McpServerTool(Name = GetRun, ReadOnly = true, Idempotent = true, Title = "Get a run")]
    [Description("One stored run without its points: the run object as diagnose_run's 'run' gives it (id, name, experiment, "
        + "source format and path, status, start/end, config (hyperparameters, flattened keys, first 200), global step, epochs, "
        + "trainer state (best metric, step and checkpoint, early stopping), checkpoints (first 20), dataset sizes, summary "
        + "values, events (errors, import damage; first 20); a field the log does not record is null), then config_keys, "
        + "checkpoints_total and events_total, every series with its point count, first/last/min/max point and non-finite "
        + "count, and coverage (signals present, signals missing and the rules each blocks). Typically 2-11 KB. Use it before "
        + "get_metric_history (for series keys) and before diagnose_run to see what the analysis can and cannot check.")]
    public Task<string> GetRunAsync(
        [Description("Run id, or the run's exact name when it is unique (list_runs shows both).")] string run,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(GetRun, async () =>
        {
            var record = await context.ResolveAsync(run, "run", cancellationToken).ConfigureAwait(false);
            var diagnosis = await context.DiagnoseAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var r = diagnosis.Run;
            var series = await context.Store.Live.ListSeriesAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var stats = diagnosis.Metrics.ToDictionary(s => s.Key, StringComparer.Ordinal);
            return CompactJson.Write(
                new GetRunAnswer(RunJson.From(r, ConfigKeysShown, CheckpointsShown, EventsShown))
                {
                    ConfigKeys = r.Config.Values.Count,
                    CheckpointsTotal = r.Checkpoints.Length,
                    EventsTotal = r.Events.Length,
                    Series = [.. series.Select(x => stats.TryGetValue(x.Key, out var st)
                        ? new SeriesEntryJson(x.Key, x.Name, x.Count, PointJson.From(st.First), PointJson.From(st.Last), PointJson.From(st.Min), PointJson.From(st.Max), st.NonFinite)
                        : new SeriesEntryJson(x.Key, x.Name, x.Count, null, null, null, null, 0))],
                    Coverage = CoverageJson.From(diagnosis.Coverage, rulesRun: false),
                },
                McpJsonContext.Compact.GetRunAnswer);
        });

    [McpServerTool(Name = GetMetricHistory, ReadOnly = true, Idempotent = true, Title = "Get a metric's history")]
    [Description("The values of one series of a run, optionally between two steps, as parallel arrays steps[] and values[] "
        + "(and epochs[] when logged). When the range holds at most max_points points they are all returned as logged "
        + "(downsampled=false); otherwise the range is reduced to about max_points points by min/max buckets: the first and "
        + "last point, the lowest and highest point of each bucket of consecutive points, and the first NaN/Infinity of a "
        + "bucket are kept, so spikes, the best value and divergence are never hidden (downsampled=true; a series of more than "
        + "250,000 points without a step range is reduced from the store's per-chunk extremes and may return fewer points). Also returns "
        + "points_in_range and the min, max and last point of the range. About 30 bytes per point: 15 KB at the default "
        + "500. NaN and infinities are the strings \"NaN\", \"Infinity\", \"-Infinity\".")]
    public Task<string> GetMetricHistoryAsync(
        [Description("Run id, or the run's exact name when it is unique.")] string run,
        [Description("Series key as get_run lists it (e.g. val/loss, train/loss, val/accuracy), or the name it was logged under (e.g. eval_loss).")] string key,
        [Description("First step to include (default: the series' first step).")] long? from_step = null,
        [Description("Last step to include (default: the series' last step).")] long? to_step = null,
        [Description("Most points to return, 4 to 5000 (default 500). A range with more points is downsampled keeping extremes.")] int max_points = 500,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(GetMetricHistory, async () =>
        {
            if (max_points is < 4 or > MaxHistoryPoints)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"max_points must be between 4 and {MaxHistoryPoints}, got {max_points}"));
            }

            if (from_step is { } f && to_step is { } t && f > t)
            {
                throw ToolError.Bad(string.Create(CultureInfo.InvariantCulture, $"from_step ({f}) is after to_step ({t})"));
            }

            if (string.IsNullOrWhiteSpace(key))
            {
                throw ToolError.Bad("'key' is required: a series key as get_run lists it, e.g. val/loss");
            }

            var record = await context.ResolveAsync(run, "run", cancellationToken).ConfigureAwait(false);
            var store = context.Store;
            var listed = await store.Live.ListSeriesAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var total = listed.Where(s => string.Equals(s.Key, key, StringComparison.Ordinal) || string.Equals(s.Name, key, StringComparison.Ordinal))
                .Select(s => (long?)s.Count).FirstOrDefault();
            var ranged = from_step is not null || to_step is not null;
            // A very long series without a step range is reduced in the store from its precomputed per-chunk extremes
            // (a few points per 1,024); anything else is read whole and reduced here, so max_points is nearly reached.
            var inStore = !ranged && total > InMemoryPoints;
            var series = await store.Runs.ReadSeriesAsync(record.Id, key, inStore ? max_points : null, cancellationToken).ConfigureAwait(false);
            if (series is null)
            {
                var keys = listed.Select(s => s.Key).ToList();
                throw ToolError.Bad($"key: run '{record.Id}' has no series '{key}'; its series are: "
                    + (keys.Count == 0 ? "none" : string.Join(", ", keys.Take(50)) + (keys.Count > 50 ? $", … ({keys.Count} in all; get_run lists them)" : "")));
            }

            var points = series.Points;
            long inRange;
            if (inStore)
            {
                inRange = total ?? points.Length;
            }
            else
            {
                if (ranged)
                {
                    var lo = from_step ?? long.MinValue;
                    var hi = to_step ?? long.MaxValue;
                    points = [.. points.Where(p => p.Step >= lo && p.Step <= hi)];
                }

                inRange = points.Length;
                points = Downsample.MinMax(points, max_points);
            }

            SeriesPoint? min = null, max = null;
            foreach (var p in points)
            {
                if (double.IsFinite(p.Value))
                {
                    if (min is not { } a || p.Value < a.Value)
                    {
                        min = p;
                    }

                    if (max is not { } b || p.Value > b.Value)
                    {
                        max = p;
                    }
                }
            }

            var withEpochs = points.Any(p => double.IsFinite(p.Epoch));
            return CompactJson.Write(
                new MetricHistoryAnswer(record.Id, series.Key, series.OriginalName, from_step, to_step, inRange, points.Length, points.Length < inRange,
                    PointJson.From(min), PointJson.From(max), PointJson.From(points.Length > 0 ? points[^1] : null),
                    [.. points.Select(p => p.Step)], [.. points.Select(p => p.Value)],
                    withEpochs ? [.. points.Select(p => double.IsFinite(p.Epoch) ? p.Epoch : (double?)null)] : null),
                McpJsonContext.Compact.MetricHistoryAnswer);
        });

    [McpServerTool(Name = ImportRun, Destructive = false, Idempotent = true, Title = "Import a run")]
    [Description("Reads training logs from a file or folder on the machine running this server (Hugging Face "
        + "trainer_state.json or checkpoint folder, TensorBoard event files, MLflow mlruns/, Lightning/Keras CSV, W&B "
        + "export, CSV/JSONL; the format is detected) and stores every run found. Importing the same logs again adds "
        + "nothing (a run still being written gains its new points). Returns {runs:[{id, name, experiment, format, stored: "
        + "\"new\"|\"already stored\", points_added, series, events}]}, under 1 KB; pass an id to get_run or diagnose_run next. "
        + "An unreadable file comes back as an error naming the file, the place and the cause.")]
    public Task<string> ImportRunAsync(
        [Description("Absolute path (or relative to the server's working folder) of a log file or run folder on the server's machine.")] string path,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(ImportRun, async () =>
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw ToolError.Bad("'path' is required: a log file or run folder on the server's machine");
            }

            var full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                throw ToolError.Bad($"path: no file or folder at '{full}' on the server's machine");
            }

            ImportResult imported;
            try
            {
                imported = await ImporterCatalog.ImportAsync(full, ImportContext.None, cancellationToken).ConfigureAwait(false);
            }
            catch (RunImportException ex)
            {
                throw ToolError.Bad("path: " + ex.Message);
            }

            if (imported.Runs.Length == 0)
            {
                throw ToolError.Bad($"path: no run found in '{full}'");
            }

            var saved = new List<(Run Run, SaveResult Result)>();
            foreach (var r in imported.Runs)
            {
                saved.Add((r, await context.Store.Runs.SaveRunAsync(r, cancellationToken).ConfigureAwait(false)));
            }

            return CompactJson.Write(
                new ImportRunAnswer([.. saved.Select(x => new ImportedRunJson(x.Run.Identity.Id, x.Run.Identity.Name, x.Run.Identity.Experiment,
                    x.Run.Identity.Source.Format, x.Result.NewRun ? "new" : "already stored", x.Result.PointsAdded, x.Run.Series.Count, x.Run.Events.Length))]),
                McpJsonContext.Compact.ImportRunAnswer);
        });
}
