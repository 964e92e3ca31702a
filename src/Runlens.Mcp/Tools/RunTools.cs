using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using ModelContextProtocol.Server;
using Runlens.Analysis.Signals;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports.Json;
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

    [McpServerTool(Name = ListRuns, ReadOnly = true, Idempotent = true, Title = "List runs")]
    [Description("Lists the runs in the Runlens store, one page at a time, newest start time first (or as order_by says). "
        + "Each run: id, name, experiment, status, start_time, source format, series and point counts, the latest value of the "
        + "metrics you name in 'metrics', and, when the run was diagnosed before (by the web UI's runs table), its stored "
        + "diagnosis digest (status, finding counts by severity, primary metric best/final). Nothing is diagnosed by this "
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
                found = await store.SearchRunsAsync(new RunSearch
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
                var series = await store.ListSeriesAsync(r.Id, cancellationToken).ConfigureAwait(false);
                counts[r.Id] = (series.Count, series.Sum(x => x.Count));
            }

            var digests = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var r in page)
            {
                if (await store.GetDiagnosisSummaryAsync(r.Id, cancellationToken).ConfigureAwait(false) is { } blob)
                {
                    using var doc = JsonDocument.Parse(blob);
                    digests[r.Id] = doc.RootElement.Clone();
                }
            }

            return CompactJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("total", found.Total ?? 0);
                w.WriteNumber("offset", offset);
                w.WriteNumber("limit", limit);
                if (found.NextPageToken is not null && string.IsNullOrEmpty(page_token))
                {
                    w.WriteNumber("next_offset", offset + page.Count);
                }
                else
                {
                    w.WriteNull("next_offset");
                }

                w.WriteString("next_page_token", found.NextPageToken);

                w.WriteStartArray("runs");
                foreach (var r in page)
                {
                    WriteListedRun(w, r, counts[r.Id], metrics, digests.TryGetValue(r.Id, out var d) ? d : null);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

    private static void WriteListedRun(Utf8JsonWriter w, RunRecord r, (int Series, long Points) counts, string[]? metrics, JsonElement? digest)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("name", r.Name);
        w.WriteString("experiment", r.Experiment);
        w.WriteString("status", CompactJson.Status(r.Status));
        if (r.StartTime is { } start)
        {
            w.WriteString("start_time", start);
        }

        w.WriteString("format", r.Format);
        w.WriteNumber("series", counts.Series);
        w.WriteNumber("points", counts.Points);

        if (metrics is { Length: > 0 })
        {
            w.WriteStartObject("metrics");
            foreach (var m in metrics)
            {
                if (MetricVocabulary.Find(r, m) is { } latest)
                {
                    w.WriteStartObject(m);
                    JsonNumbers.Write(w, "value", latest.Value);
                    w.WriteNumber("step", latest.Step);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull(m);
                }
            }

            w.WriteEndObject();
        }

        // The digest the web UI's runs table keeps with the run; valid only while the run has the same number of points.
        if (digest is { } d && d.TryGetProperty("Points", out var p) && p.TryGetInt64(out var points) && points == counts.Points)
        {
            w.WriteStartObject("diagnosis");
            Copy(w, d, "Status", "status");
            Copy(w, d, "Findings", "findings");
            Copy(w, d, "Primary", "primary_metric");
            Copy(w, d, "Best", "best");
            Copy(w, d, "BestStep", "best_step");
            Copy(w, d, "Final", "final");
            Copy(w, d, "FinalStep", "final_step");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Copy(Utf8JsonWriter w, JsonElement from, string property, string name)
    {
        if (from.TryGetProperty(property, out var value))
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
    }

    [McpServerTool(Name = GetRun, ReadOnly = true, Idempotent = true, Title = "Get a run")]
    [Description("One stored run without its points: identity (id, name, experiment, source format and path, status, "
        + "start/end), config (hyperparameters, flattened keys, first 200), summary values, trainer state (global step, "
        + "epochs, best checkpoint), dataset sizes, checkpoint count, events (errors, import damage; first 20), every series "
        + "with its point count, first/last/min/max point and non-finite count, and coverage (signals present, signals "
        + "missing and the rules each blocks). Typically 2-8 KB. Use it before get_metric_history (for series keys) and "
        + "before diagnose_run to see what the analysis can and cannot check.")]
    public Task<string> GetRunAsync(
        [Description("Run id, or the run's exact name when it is unique (list_runs shows both).")] string run,
        CancellationToken cancellationToken = default) =>
        ToolError.GuardAsync(GetRun, async () =>
        {
            var record = await context.ResolveAsync(run, "run", cancellationToken).ConfigureAwait(false);
            var diagnosis = await context.DiagnoseAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var r = diagnosis.Run;
            var series = await context.Store.ListSeriesAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var stats = diagnosis.Metrics.ToDictionary(s => s.Key, StringComparer.Ordinal);
            return CompactJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("id", r.Identity.Id);
                w.WriteString("name", r.Identity.Name);
                w.WriteString("experiment", r.Identity.Experiment);
                w.WriteString("parent_id", r.Identity.ParentId);
                w.WriteStartObject("source");
                w.WriteString("format", r.Identity.Source.Format);
                w.WriteString("path", r.Identity.Source.Path);
                w.WriteEndObject();
                w.WriteString("status", CompactJson.Status(r.Status));
                if (r.Identity.Time.Start is { } start)
                {
                    w.WriteString("start_time", start);
                }

                if (r.Identity.Time.End is { } end)
                {
                    w.WriteString("end_time", end);
                }

                w.WriteNumber("config_keys", r.Config.Values.Count);
                w.WriteStartObject("config");
                foreach (var (k, v) in r.Config.Values.Take(ConfigKeysShown))
                {
                    w.WritePropertyName(k);
                    DiagnosisJsonRenderer.WriteConfigValue(w, v);
                }

                w.WriteEndObject();
                w.WriteStartObject("summary");
                foreach (var (k, v) in r.Summary)
                {
                    JsonNumbers.Write(w, k, v);
                }

                w.WriteEndObject();
                var t = r.Trainer;
                w.WriteStartObject("trainer");
                if (t.GlobalStep is { } gs)
                {
                    w.WriteNumber("global_step", gs);
                }

                if (t.Epoch is { } ep)
                {
                    JsonNumbers.Write(w, "epoch", ep);
                }

                if (t.MaxSteps is { } ms)
                {
                    w.WriteNumber("max_steps", ms);
                }

                if (t.NumTrainEpochs is { } ne)
                {
                    JsonNumbers.Write(w, "num_train_epochs", ne);
                }

                if (t.TrainBatchSize is { } bs)
                {
                    w.WriteNumber("train_batch_size", bs);
                }

                if (t.BestMetricKey is { } bk)
                {
                    w.WriteString("best_metric_key", bk);
                    JsonNumbers.Write(w, "best_metric", t.BestMetric);
                }

                if (t.BestStep is { } bst)
                {
                    w.WriteNumber("best_step", bst);
                }

                if (t.BestCheckpoint is { } bc)
                {
                    w.WriteString("best_checkpoint", bc);
                }

                w.WriteEndObject();
                w.WriteStartObject("dataset");
                WriteCount(w, "train_examples", r.Dataset.TrainExamples);
                WriteCount(w, "eval_examples", r.Dataset.EvalExamples);
                WriteCount(w, "test_examples", r.Dataset.TestExamples);
                w.WriteEndObject();
                w.WriteNumber("checkpoints", r.Checkpoints.Length);
                w.WriteNumber("events_total", r.Events.Length);
                w.WriteStartArray("events");
                foreach (var e in r.Events.Take(EventsShown))
                {
                    w.WriteStartObject();
                    w.WriteString("kind", e.Kind.ToString().ToLowerInvariant());
                    w.WriteString("message", e.Message);
                    if (e.Step is { } step)
                    {
                        w.WriteNumber("step", step);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("series");
                foreach (var (key, original, count) in series)
                {
                    w.WriteStartObject();
                    w.WriteString("key", key);
                    if (!string.Equals(original, key, StringComparison.Ordinal))
                    {
                        w.WriteString("logged_as", original);
                    }

                    w.WriteNumber("points", count);
                    if (stats.TryGetValue(key, out var s))
                    {
                        Stat(w, "first", s.First);
                        Stat(w, "last", s.Last);
                        Stat(w, "min", s.Min);
                        Stat(w, "max", s.Max);
                        if (s.NonFinite > 0)
                        {
                            w.WriteNumber("non_finite", s.NonFinite);
                        }
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                DiagnosisJsonRenderer.WriteCoverage(w, diagnosis.Coverage, rulesRun: false);
                w.WriteEndObject();
            });
        });

    private static void WriteCount(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Stat(Utf8JsonWriter w, string name, Analysis.Diagnoses.MetricPoint? p) => DiagnosisJsonRenderer.WritePoint(w, name, p);

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
            var listed = await store.ListSeriesAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var total = listed.Where(s => string.Equals(s.Key, key, StringComparison.Ordinal) || string.Equals(s.Name, key, StringComparison.Ordinal))
                .Select(s => (long?)s.Count).FirstOrDefault();
            var ranged = from_step is not null || to_step is not null;
            // A very long series without a step range is reduced in the store from its precomputed per-chunk extremes
            // (a few points per 1,024); anything else is read whole and reduced here, so max_points is nearly reached.
            var inStore = !ranged && total > InMemoryPoints;
            var series = await store.ReadSeriesAsync(record.Id, key, inStore ? max_points : null, cancellationToken).ConfigureAwait(false);
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
            return CompactJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("run", record.Id);
                w.WriteString("key", series.Key);
                w.WriteString("logged_as", series.OriginalName);
                if (from_step is { } fs)
                {
                    w.WriteNumber("from_step", fs);
                }

                if (to_step is { } ts)
                {
                    w.WriteNumber("to_step", ts);
                }

                w.WriteNumber("points_in_range", inRange);
                w.WriteNumber("returned", points.Length);
                w.WriteBoolean("downsampled", points.Length < inRange);
                CompactJson.Point(w, "min", min);
                CompactJson.Point(w, "max", max);
                CompactJson.Point(w, "last", points.Length > 0 ? points[^1] : null);
                w.WriteStartArray("steps");
                foreach (var p in points)
                {
                    w.WriteNumberValue(p.Step);
                }

                w.WriteEndArray();
                w.WriteStartArray("values");
                foreach (var p in points)
                {
                    Reports.Json.JsonNumbers.Write(w, p.Value);
                }

                w.WriteEndArray();
                if (withEpochs)
                {
                    w.WriteStartArray("epochs");
                    foreach (var p in points)
                    {
                        if (double.IsFinite(p.Epoch))
                        {
                            w.WriteNumberValue(p.Epoch);
                        }
                        else
                        {
                            w.WriteNullValue();
                        }
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            });
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
                saved.Add((r, await context.Store.SaveRunAsync(r, cancellationToken).ConfigureAwait(false)));
            }

            return CompactJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("runs");
                foreach (var (r, result) in saved)
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Identity.Id);
                    w.WriteString("name", r.Identity.Name);
                    w.WriteString("experiment", r.Identity.Experiment);
                    w.WriteString("format", r.Identity.Source.Format);
                    w.WriteString("stored", result.NewRun ? "new" : "already stored");
                    w.WriteNumber("points_added", result.PointsAdded);
                    w.WriteNumber("series", r.Series.Count);
                    w.WriteNumber("events", r.Events.Length);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
}
