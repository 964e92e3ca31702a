using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Model;
using Runlens.Pipeline.Stores;
using Runlens.Server.Http;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Server.Mlflow;

/// <summary>
/// The MLflow tracking REST API (2.x) over the run store, under <c>/api/2.0/mlflow</c> and <c>/ajax-api/2.0/mlflow</c>, so
/// the MLflow client and the Hugging Face Trainer's MLflowCallback log to Runlens unchanged. Shapes, error codes and
/// limits follow what the real client and server say to each other (shared/MLFLOW-WIRE.md).
/// </summary>
internal sealed class MlflowApi(StoreAccess store, ServerOptions options)
{
    public const int MaxBatchMetrics = 1000;

    /// <summary>The most points one get-history page holds (the MLflow client asks for pages of this size); a larger
    /// max_results is served this many at a time, with a next_page_token.</summary>
    public const int MaxHistoryPage = 25_000;
    public const int MaxBatchParams = 100;
    public const int MaxBatchTags = 100;
    private const int MaxParamValue = 6000;
    private const int MaxKey = 250;

    public void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in (string[])["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"])
        {
            var g = app.MapGroup(prefix);
            Post(g, "experiments/create", CreateExperimentAsync);
            Get(g, "experiments/get", GetExperimentAsync);
            Get(g, "experiments/get-by-name", GetExperimentByNameAsync);
            Post(g, "experiments/search", SearchExperimentsAsync);
            Get(g, "experiments/search", SearchExperimentsAsync);
            Post(g, "experiments/update", UpdateExperimentAsync);
            Post(g, "experiments/delete", (c, r) => SetExperimentLifecycleAsync(c, r, "deleted"));
            Post(g, "experiments/restore", (c, r) => SetExperimentLifecycleAsync(c, r, "active"));
            Post(g, "experiments/set-experiment-tag", SetExperimentTagAsync);
            Post(g, "runs/create", CreateRunAsync);
            Get(g, "runs/get", GetRunAsync);
            Post(g, "runs/update", UpdateRunAsync);
            Post(g, "runs/delete", (c, r) => SetRunLifecycleAsync(c, r, "deleted"));
            Post(g, "runs/restore", (c, r) => SetRunLifecycleAsync(c, r, "active"));
            Post(g, "runs/search", SearchRunsAsync);
            Post(g, "runs/log-metric", LogMetricAsync);
            Post(g, "runs/log-parameter", LogParameterAsync);
            Post(g, "runs/set-tag", SetTagAsync);
            Post(g, "runs/delete-tag", DeleteTagAsync);
            Post(g, "runs/log-batch", LogBatchAsync);
            Post(g, "runs/log-inputs", LogInputsAsync);
            Get(g, "metrics/get-history", GetHistoryAsync);
            Get(g, "metrics/get-history-bulk-interval", GetHistoryBulkIntervalAsync);
        }
    }

    private void Post(RouteGroupBuilder g, string path, Func<HttpContext, MlflowRequest, Task> handler) =>
        g.MapPost(path, context => RunAsync(context, handler));

    private void Get(RouteGroupBuilder g, string path, Func<HttpContext, MlflowRequest, Task> handler) =>
        g.MapGet(path, context => RunAsync(context, handler));

    private async Task RunAsync(HttpContext context, Func<HttpContext, MlflowRequest, Task> handler)
    {
        using var request = await MlflowRequest.ReadAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        await handler(context, request).ConfigureAwait(false);
    }

    // ---- experiments

    private async Task CreateExperimentAsync(HttpContext context, MlflowRequest r)
    {
        var name = r.Required("name");
        var tags = Pairs(r, "tags");
        var created = await store.Experiments.CreateExperimentAsync(name, r.String("artifact_location"), tags, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("experiment_id", created.Id);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task GetExperimentAsync(HttpContext context, MlflowRequest r)
    {
        var id = r.Required("experiment_id");
        var e = await store.Experiments.GetExperimentAsync(id, cancellationToken: context.RequestAborted).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"No Experiment with id={id} exists");
        await WriteExperimentAsync(context, e).ConfigureAwait(false);
    }

    private async Task GetExperimentByNameAsync(HttpContext context, MlflowRequest r)
    {
        var name = r.Required("experiment_name");
        var e = await store.Experiments.GetExperimentAsync(name, byName: true, context.RequestAborted).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"Could not find experiment with name '{name}'");
        await WriteExperimentAsync(context, e).ConfigureAwait(false);
    }

    private static Task WriteExperimentAsync(HttpContext context, Experiment e) => JsonResponses.WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("experiment");
        MlflowWriter.Experiment(w, e);
        w.WriteEndObject();
    });

    private async Task SearchExperimentsAsync(HttpContext context, MlflowRequest r)
    {
        if (r.String("filter") is { Length: > 0 } filter)
        {
            throw ApiException.Invalid($"Experiment search filters are not supported by this server yet (got '{filter}'); search without a filter and select by name.");
        }

        var view = ViewType(r.String("view_type"));
        var max = r.Int("max_results") ?? 1000;
        if (max is < 1 or > 50_000)
        {
            throw ApiException.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at most 50000, but got value {max}");
        }

        var offset = PageToken.Offset(r.String("page_token"));
        var all = (await store.Experiments.ListExperimentsAsync(context.RequestAborted).ConfigureAwait(false))
            .Where(e => e.Lifecycle == "deleted" ? view.Deleted : view.Active).ToList();
        var page = all.Skip(offset).Take(max).ToList();
        await WritePageAsync(context, "experiments", page, offset, all.Count, MlflowWriter.Experiment).ConfigureAwait(false);
    }

    private async Task UpdateExperimentAsync(HttpContext context, MlflowRequest r)
    {
        await store.Experiments.UpdateExperimentAsync(r.Required("experiment_id"), name: r.Required("new_name"), cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task SetExperimentLifecycleAsync(HttpContext context, MlflowRequest r, string lifecycle)
    {
        var id = r.Required("experiment_id");
        if (id == Experiment.DefaultId && lifecycle == "deleted")
        {
            throw ApiException.Invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
        }

        await store.Experiments.UpdateExperimentAsync(id, lifecycle: lifecycle, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task SetExperimentTagAsync(HttpContext context, MlflowRequest r)
    {
        var key = CheckKey(r.Required("key"), "tag");
        await store.Experiments.UpdateExperimentAsync(r.Required("experiment_id"), tags: new Dictionary<string, string> { [key] = r.String("value") ?? "" },
            cancellationToken: context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    // ---- runs

    private async Task CreateRunAsync(HttpContext context, MlflowRequest r)
    {
        var experimentId = r.String("experiment_id") is { Length: > 0 } e ? e : Experiment.DefaultId;
        var experiment = await store.Experiments.GetExperimentAsync(experimentId, cancellationToken: context.RequestAborted).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"No Experiment with id={experimentId} exists");
        if (experiment.Lifecycle != "active")
        {
            throw ApiException.Invalid($"The experiment {experimentId} must be in the 'active' state. Current state is {experiment.Lifecycle}.");
        }

        var tags = Pairs(r, "tags");
        var name = r.String("run_name") is { Length: > 0 } n ? n : tags.GetValueOrDefault("mlflow.runName") ?? RunNames.Random();
        if (!tags.ContainsKey("mlflow.runName"))
        {
            tags["mlflow.runName"] = name;
        }

        var id = Guid.NewGuid().ToString("N");
        var start = r.Long("start_time") is { } ms ? UnixTime.FromMilliseconds(ms, "start_time") : DateTimeOffset.UtcNow;
        await store.Live.CreateRunAsync(new NewRun(id, name, experiment.Name, "mlflow-api", start, r.String("user_id"), tags.GetValueOrDefault("mlflow.parentRunId")) { Tags = tags },
            context.RequestAborted).ConfigureAwait(false);
        await WriteRunAsync(context, id, "run").ConfigureAwait(false);
    }

    private Task GetRunAsync(HttpContext context, MlflowRequest r) => WriteRunAsync(context, r.RunId(), "run");

    private async Task WriteRunAsync(HttpContext context, string runId, string property)
    {
        var record = await RecordAsync(runId, context.RequestAborted).ConfigureAwait(false);
        var experimentId = await ExperimentIdAsync(record, context.RequestAborted).ConfigureAwait(false);
        var inputs = await store.Live.GetBlobAsync(runId, "inputs", "datasets", context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName(property);
            if (property == "run")
            {
                MlflowWriter.Run(w, record, experimentId, inputs);
            }
            else
            {
                MlflowWriter.RunInfo(w, record, experimentId);
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task UpdateRunAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        RunStatus? status = null;
        if (r.String("status") is { Length: > 0 } text)
        {
            status = MlflowStatus.TryParse(text, out var s) ? s
                : throw ApiException.Invalid($"Invalid value '{text}' for parameter 'status' supplied. Valid values are RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.");
        }

        var end = r.Long("end_time") is { } ms ? UnixTime.FromMilliseconds(ms, "end_time") : (DateTimeOffset?)null;
        var name = r.String("run_name") is { Length: > 0 } n ? n : null;
        await store.Live.ApplyAsync(runId, new RunChanges
        {
            Status = status,
            EndTime = end,
            Name = name,
            Tags = name is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["mlflow.runName"] = name },
            RequireActive = true,
        }, context.RequestAborted).ConfigureAwait(false);
        await WriteRunAsync(context, runId, "run_info").ConfigureAwait(false);
    }

    private async Task SetRunLifecycleAsync(HttpContext context, MlflowRequest r, string lifecycle)
    {
        await store.Live.ApplyAsync(r.RunId(), new RunChanges { Lifecycle = lifecycle }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    /// <summary>MLflow's <c>runs/search</c>, executed by the store: names no run has match nothing, as in MLflow; the
    /// page token is base64 of a JSON object with MLflow's <c>offset</c> and where the page ended, so the next page
    /// starts after it even while runs are logged.</summary>
    private async Task SearchRunsAsync(HttpContext context, MlflowRequest r)
    {
        var max = r.Int("max_results") ?? 1000;
        if (max is < 1 or > 50_000)
        {
            throw ApiException.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at most 50000, but got value {max}");
        }

        var view = ViewType(r.String("run_view_type"));
        var experiments = await store.Experiments.ListExperimentsAsync(context.RequestAborted).ConfigureAwait(false);
        var names = new List<string>();
        foreach (var id in r.Strings("experiment_ids"))
        {
            names.Add(experiments.FirstOrDefault(e => e.Id == id)?.Name ?? throw ApiException.NotFound($"No Experiment with id={id} exists"));
        }

        var found = await store.Search.SearchRunsAsync(new RunSearch
        {
            Filter = r.String("filter"),
            OrderBy = r.Strings("order_by"),
            Experiments = names,
            Active = view.Active,
            Deleted = view.Deleted,
            PageSize = max,
            PageToken = r.String("page_token"),
            StrictNames = false,
        }, context.RequestAborted).ConfigureAwait(false);
        var ids = experiments.ToDictionary(e => e.Name, e => e.Id, StringComparer.Ordinal);
        var inputs = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var run in found.Runs)
        {
            inputs[run.Id] = await store.Live.GetBlobAsync(run.Id, "inputs", "datasets", context.RequestAborted).ConfigureAwait(false);
        }

        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            if (found.Runs.Count > 0)
            {
                w.WriteStartArray("runs");
                foreach (var run in found.Runs)
                {
                    MlflowWriter.Run(w, run, ids.GetValueOrDefault(run.Experiment ?? Experiment.DefaultName, Experiment.DefaultId), inputs[run.Id]);
                }

                w.WriteEndArray();
            }

            if (found.NextPageToken is { } next)
            {
                w.WriteString("next_page_token", next);
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    // ---- logging

    private async Task LogMetricAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var key = CheckKey(r.Required("key"), "metric");
        var value = r.Element("value") is { } v ? Value(v, "value") : throw ApiException.Missing("value");
        var timestamp = r.Long("timestamp") ?? throw ApiException.Missing("timestamp");
        var point = new SeriesPoint(r.Long("step") ?? 0, value, double.NaN, timestamp / 1000.0);
        await store.Live.ApplyAsync(runId, new RunChanges { Points = [new MetricPoints(key, [point])], RequireActive = true }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task LogParameterAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var key = CheckKey(r.Required("key"), "param");
        var value = CheckParamValue(key, r.String("value") ?? throw ApiException.Missing("value"));
        await store.Live.ApplyAsync(runId, new RunChanges { Params = new Dictionary<string, string> { [key] = value }, RequireActive = true }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task SetTagAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var key = CheckKey(r.Required("key"), "tag");
        var value = r.String("value") ?? throw ApiException.Missing("value");
        await store.Live.ApplyAsync(runId, new RunChanges
        {
            Tags = new Dictionary<string, string> { [key] = value },
            Name = key == "mlflow.runName" ? value : null,
            RequireActive = true,
        }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task DeleteTagAsync(HttpContext context, MlflowRequest r)
    {
        await store.Live.ApplyAsync(r.RunId(), new RunChanges { DeleteTags = [r.Required("key")], RequireActive = true }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task LogBatchAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var metrics = r.Objects("metrics");
        var parameters = r.Objects("params");
        var tags = r.Objects("tags");
        Limit(metrics.Count, MaxBatchMetrics, "metrics");
        Limit(parameters.Count, MaxBatchParams, "params");
        Limit(tags.Count, MaxBatchTags, "tags");
        if (metrics.Count + parameters.Count + tags.Count > MaxBatchMetrics)
        {
            throw ApiException.Invalid($"A batch logging request can contain at most {MaxBatchMetrics} total metrics, params and tags. Got {metrics.Count + parameters.Count + tags.Count}. Please split up the entities across multiple requests and try again.");
        }

        // Everything is checked before anything is stored: a bad entry anywhere refuses the whole batch.
        var points = new Dictionary<string, List<SeriesPoint>>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            var key = CheckKey(MlflowRequest.String(m, "key") ?? throw ApiException.Missing("metrics.key"), "metric");
            var value = m.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null ? Value(v, "value") : throw ApiException.Missing("metrics.value");
            var timestamp = MlflowRequest.Long(m, "timestamp") ?? throw ApiException.Missing("metrics.timestamp");
            if (!points.TryGetValue(key, out var list))
            {
                list = [];
                points[key] = list;
            }

            list.Add(new SeriesPoint(MlflowRequest.Long(m, "step") ?? 0, value, double.NaN, timestamp / 1000.0));
        }

        var parameterValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var key = CheckKey(MlflowRequest.String(p, "key") ?? throw ApiException.Missing("params.key"), "param");
            var value = CheckParamValue(key, MlflowRequest.String(p, "value") ?? throw ApiException.Missing("params.value"));
            if (parameterValues.TryGetValue(key, out var earlier) && earlier != value)
            {
                throw ApiException.Invalid($"Duplicate parameter keys have been submitted: ['{key}']. Please ensure the request contains only one param value per param key.");
            }

            parameterValues[key] = value;
        }

        var tagValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            tagValues[CheckKey(MlflowRequest.String(t, "key") ?? throw ApiException.Missing("tags.key"), "tag")] = MlflowRequest.String(t, "value") ?? "";
        }

        await store.Live.ApplyAsync(runId, new RunChanges
        {
            Points = [.. points.Select(kv => new MetricPoints(kv.Key, kv.Value))],
            Params = parameterValues,
            Tags = tagValues,
            Name = tagValues.GetValueOrDefault("mlflow.runName"),
            RequireActive = true,
        }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task LogInputsAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var datasets = r.Objects("datasets");
        var known = await store.Live.GetBlobAsync(runId, "inputs", "datasets", context.RequestAborted).ConfigureAwait(false);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            if (known is { Length: > 0 })
            {
                using var doc = JsonDocument.Parse(known);
                foreach (var d in doc.RootElement.EnumerateArray())
                {
                    d.WriteTo(w);
                }
            }

            foreach (var d in datasets)
            {
                d.WriteTo(w);
            }

            w.WriteEndArray();
        }

        await store.Live.ApplyAsync(runId, new RunChanges { Blobs = [new RunBlob("inputs", "datasets", buffer.WrittenSpan.ToArray())], RequireActive = true }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    // ---- metric history

    /// <summary>One page of a metric's history, read from the store a page at a time (never the whole series): at most
    /// <see cref="MaxHistoryPage"/> points, with the next page's token while more follow.</summary>
    private async Task GetHistoryAsync(HttpContext context, MlflowRequest r)
    {
        var runId = r.RunId();
        var key = r.Required("metric_key");
        var max = r.Int("max_results") ?? MaxHistoryPage;
        if (max < 1)
        {
            throw ApiException.Invalid($"Invalid value {max} for parameter 'max_results' supplied: ask for at least 1 point (pages hold at most {MaxHistoryPage}).");
        }

        max = Math.Min(max, MaxHistoryPage);
        var offset = PageToken.Offset(r.String("page_token"));
        await RecordAsync(runId, context.RequestAborted).ConfigureAwait(false);
        var page = await store.Runs.ReadPointsAsync(runId, key, offset, max, context.RequestAborted).ConfigureAwait(false);
        var points = page?.Points ?? [];
        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            if (points.Length > 0)
            {
                w.WriteStartArray("metrics");
                foreach (var p in points)
                {
                    MlflowWriter.Metric(w, key, p.Value, MlflowWriter.Timestamp(p), p.Step);
                }

                w.WriteEndArray();
            }

            if (page is not null && page.End < page.Total && points.Length > 0)
            {
                w.WriteString("next_page_token", PageToken.Of(checked((int)page.End)));
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>The history of one metric for several runs between two steps, each run's steps thinned evenly to at most
    /// max_results (first and last step kept), as MLflow's charts ask for it.</summary>
    private async Task GetHistoryBulkIntervalAsync(HttpContext context, MlflowRequest r)
    {
        var runIds = r.Strings("run_ids");
        if (runIds.Count == 0)
        {
            throw ApiException.Missing("run_ids");
        }

        if (runIds.Count > 100)
        {
            throw ApiException.Invalid($"GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received {runIds.Count} run_ids.");
        }

        var key = r.Required("metric_key");
        var (from, to) = (r.Long("start_step"), r.Long("end_step"));
        if ((from is null) != (to is null) || from > to)
        {
            throw ApiException.Invalid("If either start step or end step are specified, both must be specified and start step must be less than or equal to end step.");
        }

        var max = r.Int("max_results") ?? 2500;
        if (max is < 1 or > 2500)
        {
            throw ApiException.Invalid($"max_results must be between 1 and 2500, got {max}.");
        }

        var rows = new List<(string Run, SeriesPoint P)>();
        foreach (var runId in runIds)
        {
            await RecordAsync(runId, context.RequestAborted).ConfigureAwait(false);

            // Two passes over the series a page at a time: the distinct steps in range, then the points at the kept steps.
            var steps = new List<long>();
            await foreach (var p in PointsAsync(runId, key, context.RequestAborted).ConfigureAwait(false))
            {
                if (from is null || (p.Step >= from && p.Step <= to))
                {
                    steps.Add(p.Step);
                }
            }

            var distinct = steps.Distinct().Order().ToList();
            steps.Clear();
            var keep = distinct.Count <= max ? distinct.ToHashSet()
                : Enumerable.Range(0, max).Select(i => distinct[(int)Math.Round(i * (double)(distinct.Count - 1) / (max - 1))]).ToHashSet();
            var kept = new List<SeriesPoint>();
            await foreach (var p in PointsAsync(runId, key, context.RequestAborted).ConfigureAwait(false))
            {
                if ((from is null || (p.Step >= from && p.Step <= to)) && keep.Contains(p.Step))
                {
                    kept.Add(p);
                }
            }

            rows.AddRange(kept.OrderBy(p => p.Step).Select(p => (runId, p)));
        }

        await JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            if (rows.Count > 0)
            {
                w.WriteStartArray("metrics");
                foreach (var (run, p) in rows)
                {
                    MlflowWriter.Metric(w, key, p.Value, MlflowWriter.Timestamp(p), p.Step, run);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    // ---- helpers

    /// <summary>Every point of a series in stored order, read a page of <see cref="MaxHistoryPage"/> at a time.</summary>
    private async IAsyncEnumerable<SeriesPoint> PointsAsync(string runId, string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long offset = 0;
        while (await store.Runs.ReadPointsAsync(runId, key, offset, MaxHistoryPage, cancellationToken).ConfigureAwait(false) is { Points.Length: > 0 } page)
        {
            foreach (var p in page.Points)
            {
                yield return p;
            }

            offset = page.End;
        }
    }

    /// <summary>One page of a search: the items (left out when there are none, as proto3 JSON does) and, when more
    /// follow, the token of the next page.</summary>
    private static Task WritePageAsync<T>(HttpContext context, string name, List<T> page, int offset, int total, Action<System.Text.Json.Utf8JsonWriter, T> item) =>
        JsonResponses.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            if (page.Count > 0)
            {
                w.WriteStartArray(name);
                page.ForEach(x => item(w, x));
                w.WriteEndArray();
            }

            if (offset + page.Count < total)
            {
                w.WriteString("next_page_token", PageToken.Of(offset + page.Count));
            }

            w.WriteEndObject();
        });

    private async Task<RunRecord> RecordAsync(string runId, CancellationToken cancellationToken) =>
        await store.Live.GetRecordAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{runId}' not found");

    private async Task<string> ExperimentIdAsync(RunRecord record, CancellationToken cancellationToken) =>
        (await store.Experiments.GetExperimentAsync(record.Experiment ?? Experiment.DefaultName, byName: true, cancellationToken).ConfigureAwait(false))?.Id ?? Experiment.DefaultId;

    private static Dictionary<string, string> Pairs(MlflowRequest r, string field)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in r.Objects(field))
        {
            pairs[CheckKey(MlflowRequest.String(o, "key") ?? throw ApiException.Missing(field + ".key"), "tag")] = MlflowRequest.String(o, "value") ?? "";
        }

        return pairs;
    }

    private static double Value(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.Number => MlflowRequest.Finite(v, name),
        JsonValueKind.String when MlflowRequest.ParseDouble(v.GetString()!) is { } d => d,
        _ => throw MlflowRequest.WrongType(name, v),
    };

    private static (bool Active, bool Deleted) ViewType(string? view) => view switch
    {
        null or "" or "ACTIVE_ONLY" => (true, false),
        "DELETED_ONLY" => (false, true),
        "ALL" => (true, true),
        _ => throw ApiException.Invalid($"Invalid value '{view}' for the view type. Valid values are ACTIVE_ONLY, DELETED_ONLY, ALL."),
    };

    private static void Limit(int count, int max, string what)
    {
        if (count > max)
        {
            throw ApiException.Invalid($"A batch logging request can contain at most {max} {what}. Got {count} {what}. Please split up {what} across multiple requests and try again.");
        }
    }

    /// <summary>MLflow's name rule: alphanumerics, underscores, dashes, periods, spaces, slashes and colons; no path
    /// that climbs out (<c>..</c>) or starts at the root.</summary>
    private static string CheckKey(string key, string what)
    {
        if (key.Length > MaxKey)
        {
            throw ApiException.Invalid($"{Capital(what)} '{key[..40]}...' had length {key.Length}, which exceeded length limit of {MaxKey}");
        }

        if (what != "tag" && (key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/' or ':'))
            || key.StartsWith('/') || key.Split('/').Contains("..")))
        {
            throw ApiException.Invalid($"Invalid {what} name: '{key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
        }

        return key;
    }

    private static string CheckParamValue(string key, string value) => value.Length <= MaxParamValue ? value
        : throw ApiException.Invalid($"Param value '{value[..40]}...' had length {value.Length}, which exceeded length limit of {MaxParamValue} (param '{key}')");

    private static string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
