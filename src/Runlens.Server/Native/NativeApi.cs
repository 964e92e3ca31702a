using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Runlens.Model;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Predictions;
using Runlens.Pipeline.Stores;
using Runlens.Reports.Contracts;
using Runlens.Server.Contracts;
using Runlens.Server.Http;
using Runlens.Server.Mlflow;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Server.Native;

/// <summary>
/// Runlens' own JSON API under <c>/api/runs</c> (docs/api.md): create runs, append points in batches (idempotent by run,
/// metric, step and timestamp), set config and tags, record status and events, upload predictions, read runs and
/// series (raw or downsampled with extremes kept), search with MLflow's filter syntax, and get a run's diagnosis.
/// </summary>
internal sealed class NativeApi(StoreAccess store, ServerOptions options, StoredDiagnoses diagnosis)
{
    public void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/runs");
        g.MapPost("", CreateAsync);
        g.MapGet("", SearchAsync);
        g.MapGet("/{id}", GetAsync);
        g.MapDelete("/{id}", (HttpContext c, string id) => ApplyAsync(c, id, new RunChanges { Lifecycle = "deleted" }));
        g.MapPost("/{id}/points", AppendAsync);
        g.MapPut("/{id}/config", (HttpContext c, string id) => PairsAsync(c, id, config: true));
        g.MapPut("/{id}/tags", (HttpContext c, string id) => PairsAsync(c, id, config: false));
        g.MapPost("/{id}/status", StatusAsync);
        g.MapPost("/{id}/events", EventsAsync);
        g.MapPut("/{id}/predictions", PredictionsAsync);
        g.MapGet("/{id}/series", ListSeriesAsync);
        g.MapGet("/{id}/series/{**key}", ReadSeriesAsync);
        g.MapGet("/{id}/diagnosis", DiagnosisAsync);
        g.MapGet("/{id}/control", GetControlAsync);
        g.MapPost("/{id}/control", PostControlAsync);
    }

    /// <summary>The run's control document (<c>runlens.control/v1</c>), with no actions when none was issued.</summary>
    private async Task GetControlAsync(HttpContext context, string id)
    {
        _ = await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        var doc = await Live.Control.StoreControlChannel.ReadAsync(store.Live, id, context.RequestAborted).ConfigureAwait(false);
        await WriteControlAsync(context, doc, 200).ConfigureAwait(false);
    }

    /// <summary>Appends one action (<c>{"action": "stop"|"reduce_lr"|"rollback", "reason": …, "factor", "checkpoint",
    /// "rule", "finding", "step"}</c>) and records it as a <c>control</c> event of the run, in one transaction.</summary>
    private async Task PostControlAsync(HttpContext context, string id)
    {
        using var body = await RequestBody.JsonAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        var e = body.RootElement;
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Invalid("expected a JSON object with \"action\" and \"reason\"");
        }

        var verb = Import.Output.ControlDocument.ParseVerb(Text(e, "action"))
            ?? throw ApiException.Invalid("action: expected stop, reduce_lr or rollback");
        var reason = Text(e, "reason") is { Length: > 0 } r ? r : throw ApiException.Invalid("reason: say why, in one sentence");
        double? factor = e.TryGetProperty("factor", out var fe) && fe.ValueKind == JsonValueKind.Number ? fe.GetDouble() : null;
        if (verb == Import.Output.ControlVerb.ReduceLr && factor is not (> 0 and < 1))
        {
            throw ApiException.Invalid("factor: reduce_lr needs a factor above 0 and below 1 (e.g. 0.5)");
        }

        long? step = e.TryGetProperty("step", out var se) && se.ValueKind == JsonValueKind.Number && se.TryGetInt64(out var n) ? n : null;
        _ = await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        var action = new Import.Output.ControlAction("", verb, reason, DateTimeOffset.UtcNow, Text(e, "rule"), Text(e, "finding"), step,
            verb == Import.Output.ControlVerb.ReduceLr ? factor : null, Text(e, "checkpoint"));
        var doc = await new Live.Control.StoreControlChannel(store.Live, id).AppendAsync(action, context.RequestAborted).ConfigureAwait(false);
        await WriteControlAsync(context, doc, 201).ConfigureAwait(false);
    }

    private static async Task WriteControlAsync(HttpContext context, Import.Output.ControlDocument doc, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(doc.ToJson(), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context)
    {
        using var doc = await RequestBody.JsonAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        var body = doc.RootElement;
        var id = Text(body, "id") ?? Guid.NewGuid().ToString("N");
        if (id.Length > 128 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw ApiException.Invalid("id: use 1 to 128 letters, digits, '-', '_' or '.'");
        }

        var config = Pairs(body, "config");
        var tags = Pairs(body, "tags");
        var start = body.TryGetProperty("start_time", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var ms)
            ? UnixTime.FromMilliseconds(ms, "start_time") : DateTimeOffset.UtcNow;
        var created = true;
        try
        {
            await store.Live.CreateRunAsync(new NewRun(id, Text(body, "name") ?? id, Text(body, "experiment"), "api", start, Text(body, "user")) { Tags = tags },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            created = false; // a client retrying its create gets the same run back
        }

        if (config.Count > 0)
        {
            await store.Live.ApplyAsync(id, new RunChanges { Config = config }, context.RequestAborted).ConfigureAwait(false);
        }

        await JsonResponses.WriteAsync(context, new CreatedRunJson(id, created), ServerJsonContext.Indented.CreatedRunJson, created ? 201 : 200).ConfigureAwait(false);
    }

    /// <summary>Runs the store's search selects (MLflow's filter and order_by, executed by the database), one page:
    /// <c>?limit=</c> with <c>?page_token=</c> (the previous page's <c>next_page_token</c>: pages stay put while runs
    /// arrive) or <c>?offset=</c> (a page by number).</summary>
    private async Task SearchAsync(HttpContext context)
    {
        var q = context.Request.Query;
        var limit = Number(q["limit"].ToString(), "limit", 100, 1, 10_000);
        var offset = Number(q["offset"].ToString(), "offset", 0, 0, int.MaxValue);
        var token = q["page_token"].ToString() is { Length: > 0 } t ? t : null;
        var view = q["view"].ToString();
        var experiments = q["experiment"].Where(x => !string.IsNullOrEmpty(x)).Select(x => x!).ToList();
        var found = await store.Search.SearchRunsAsync(new RunSearch
        {
            Filter = q["filter"].ToString(),
            OrderBy = [.. q["order_by"].Where(x => !string.IsNullOrEmpty(x)).Select(x => x!)],
            Experiments = experiments.Count == 0 ? null : experiments,
            Active = view is "" or "active" or "all",
            Deleted = view is "deleted" or "all",
            PageSize = limit,
            Offset = offset,
            PageToken = token,
            CountTotal = true,
        }, context.RequestAborted).ConfigureAwait(false);
        var page = found.Runs;

        // ?summary=1: each run's diagnosis as the runs table shows it (kept with the run until its version changes)
        var summaries = new Dictionary<string, RunSummary?>(StringComparer.Ordinal);
        if (q["summary"].ToString() is "1" or "true")
        {
            foreach (var r in page)
            {
                summaries[r.Id] = await diagnosis.SummaryAsync(r, keepInStore: false, context.RequestAborted).ConfigureAwait(false);
            }
        }

        await JsonResponses.WriteAsync(context,
            new RunsPageJson(found.Total ?? 0, [.. page.Select(r => StoredRunJson.From(r, summaries.GetValueOrDefault(r.Id)))],
                found.NextPageToken is not null && token is null ? offset + page.Count : null, found.NextPageToken),
            ServerJsonContext.Indented.RunsPageJson).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext context, string id)
    {
        var record = await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, StoredRunJson.From(record, null), ServerJsonContext.Indented.StoredRunJson).ConfigureAwait(false);
    }

    private async Task AppendAsync(HttpContext context, string id)
    {
        using var doc = await RequestBody.JsonAsync(context, options.MaxJsonBytes).ConfigureAwait(false);
        var points = PointsParser.Parse(doc.RootElement);
        var received = points.Sum(p => (long)p.Points.Count);
        var added = await store.Live.ApplyAsync(id, new RunChanges { Points = points, RequireActive = true }, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, new AppendedJson(received, added), ServerJsonContext.Indented.AppendedJson).ConfigureAwait(false);
    }

    private async Task PairsAsync(HttpContext context, string id, bool config)
    {
        using var doc = await RequestBody.JsonAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        var pairs = Pairs(doc.RootElement, null);
        await ApplyAsync(context, id, config ? new RunChanges { Config = pairs } : new RunChanges { Tags = pairs }).ConfigureAwait(false);
    }

    private async Task StatusAsync(HttpContext context, string id)
    {
        using var doc = await RequestBody.JsonAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        var text = Text(doc.RootElement, "status") ?? throw ApiException.Missing("status");
        var status = Enum.TryParse<RunStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s
            : throw ApiException.Invalid($"status: '{text}' is not one of running, finished, failed, killed");
        var end = doc.RootElement.TryGetProperty("end_time", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var ms)
            ? UnixTime.FromMilliseconds(ms, "end_time")
            : status == RunStatus.Running ? (DateTimeOffset?)null : DateTimeOffset.UtcNow;
        await ApplyAsync(context, id, new RunChanges { Status = status, EndTime = end }).ConfigureAwait(false);
    }

    private async Task EventsAsync(HttpContext context, string id)
    {
        using var doc = await RequestBody.JsonAsync(context, options.MlflowBodyBytes).ConfigureAwait(false);
        var events = new List<RunEvent>();
        var i = 0;
        foreach (var e in doc.RootElement.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : throw ApiException.Missing("events"))
        {
            var where = $"events[{i++}]";
            var kindText = e.ValueKind == JsonValueKind.Object ? Text(e, "kind") : null;
            var kind = kindText is not null && Enum.TryParse<RunEventKind>(kindText.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var k) && Enum.IsDefined(k) ? k
                : throw ApiException.Invalid($"{where}.kind: expected one of error, warning, note, early_stop, import_damage, control");
            var message = Text(e, "message") ?? throw ApiException.Invalid($"{where}.message is missing");
            long? step = e.TryGetProperty("step", out var st) && st.ValueKind == JsonValueKind.Number && st.TryGetInt64(out var n) ? n : null;
            events.Add(new RunEvent(kind, message, step));
        }

        await ApplyAsync(context, id, new RunChanges { Events = events }).ConfigureAwait(false);
    }

    /// <summary>A predictions file (the JSONL or CSV format `runlens evaluate` reads), checked before it is stored;
    /// <c>?role=training</c> for training-set predictions.</summary>
    private async Task PredictionsAsync(HttpContext context, string id)
    {
        var role = context.Request.Query["role"].ToString() is { Length: > 0 } r ? r : "validation";
        if (role is not ("validation" or "training"))
        {
            throw ApiException.Invalid($"role: '{role}' is not validation or training");
        }

        var format = context.Request.Query["format"].ToString() is { Length: > 0 } f ? f : "jsonl";
        if (format is not ("jsonl" or "csv"))
        {
            throw ApiException.Invalid($"format: '{format}' is not jsonl or csv");
        }

        var bytes = (await RequestBody.BytesAsync(context, options.MaxJsonBytes).ConfigureAwait(false)).ToArray();
        await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        string summary;
        try
        {
            summary = PredictionInputs.Check(bytes, role, format);
        }
        catch (Import.RunImportException ex)
        {
            throw ApiException.Invalid("predictions: " + ex.Message);
        }

        await store.Attachments.PutPredictionsAsync(id, role, format, bytes, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, new PredictionsUploadJson(role, summary), ServerJsonContext.Indented.PredictionsUploadJson).ConfigureAwait(false);
    }

    private async Task ListSeriesAsync(HttpContext context, string id)
    {
        await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        var series = await store.Live.ListSeriesAsync(id, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.WriteAsync(context, new SeriesListJson([.. series.Select(x => new SeriesInfoJson(x.Key, x.Name, x.Count))]),
            ServerJsonContext.Indented.SeriesListJson).ConfigureAwait(false);
    }

    /// <summary>The most points <c>?max_points=</c> may ask for: a reduced series is built in memory.</summary>
    public const int MaxReducedPoints = 100_000;

    /// <summary>Points read from the store at a time while a long series is written out.</summary>
    public const int StreamPage = 65_536;

    /// <summary>Series read and written out at the same time; the others wait their turn. An answer waiting for its client
    /// to read holds no turn (<see cref="SeriesTurn"/>), so clients that stop reading cannot keep the others waiting.</summary>
    private static readonly SemaphoreSlim Streams = new(4, 4);

    /// <summary>One series as columns; <c>?max_points=N</c> (4 to <see cref="MaxReducedPoints"/>) reduces a longer one to
    /// each bucket's lowest and highest point, keeping the ends and every bucket's first NaN; <c>?from=</c> and
    /// <c>?to=</c> keep a step range. Every point is read from the store and written out a page at a time, so a series of
    /// any length costs the server a page of memory, and a client that stops reading holds no more than that.</summary>
    private async Task ReadSeriesAsync(HttpContext context, string id, string key)
    {
        var maxText = context.Request.Query["max_points"].ToString();
        int? max = maxText.Length == 0 ? null : Number(maxText, "max_points", 0, 4, MaxReducedPoints);
        var (from, to) = (Step(context.Request.Query["from"].ToString(), "from"), Step(context.Request.Query["to"].ToString(), "to"));
        await RecordAsync(id, context.RequestAborted).ConfigureAwait(false);
        var first = await store.Runs.ReadPointsAsync(id, key, 0, 1, context.RequestAborted).ConfigureAwait(false)
            ?? throw ApiException.NotFound($"Run '{id}' has no series '{key}'");
        bool Inside(SeriesPoint p) => (from is null || p.Step >= from) && (to is null || p.Step <= to);
        var ranged = from is not null || to is not null;
        if (max is { } m && !ranged && first.Total > m)
        {
            // reduced in the store from the chunks' extremes: at most about m points in memory
            var reduced = await store.Runs.ReadSeriesAsync(id, key, m, context.RequestAborted).ConfigureAwait(false)
                ?? throw ApiException.NotFound($"Run '{id}' has no series '{key}'");
            await SeriesJson.WriteAsync(context, first.Key, first.OriginalName, pass => Once(reduced.Points)).ConfigureAwait(false);
            return;
        }

        var turn = new SeriesTurn(Streams);
        await turn.TakeAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (max is { } limit && ranged)
            {
                long inside = 0;
                await foreach (var p in PointsAsync(id, key, context.RequestAborted).ConfigureAwait(false))
                {
                    inside += Inside(p) ? 1 : 0;
                }

                if (inside > limit)
                {
                    // a zoomed chart: the points of the range reduced one bucket at a time
                    var reducer = new StreamingMinMax(inside, limit);
                    await foreach (var p in PointsAsync(id, key, context.RequestAborted).ConfigureAwait(false))
                    {
                        if (Inside(p))
                        {
                            reducer.Add(p);
                        }
                    }

                    await SeriesJson.WriteAsync(context, first.Key, first.OriginalName, pass => Once(reducer.Result)).ConfigureAwait(false);
                    return;
                }
            }

            await SeriesJson.WriteAsync(context, first.Key, first.OriginalName, pass => Where(PointsAsync(id, key, context.RequestAborted), Inside),
                turn, options.SeriesStallLimit).ConfigureAwait(false);
        }
        finally
        {
            turn.Give();
        }
    }

    /// <summary>Every point of a series in stored order, read <see cref="StreamPage"/> at a time.</summary>
    private async IAsyncEnumerable<SeriesPoint> PointsAsync(string id, string key, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long offset = 0;
        while (await store.Runs.ReadPointsAsync(id, key, offset, StreamPage, cancellationToken).ConfigureAwait(false) is { Points.Length: > 0 } page)
        {
            foreach (var p in page.Points)
            {
                yield return p;
            }

            offset = page.End;
        }
    }

    private static async IAsyncEnumerable<SeriesPoint> Where(IAsyncEnumerable<SeriesPoint> points, Func<SeriesPoint, bool> keep)
    {
        await foreach (var p in points.ConfigureAwait(false))
        {
            if (keep(p))
            {
                yield return p;
            }
        }
    }

#pragma warning disable CS1998 // an in-memory list as the async sequence the writer reads
    private static async IAsyncEnumerable<SeriesPoint> Once(IEnumerable<SeriesPoint> points)
#pragma warning restore CS1998
    {
        foreach (var p in points)
        {
            yield return p;
        }
    }

    private async Task DiagnosisAsync(HttpContext context, string id)
    {
        var bytes = await diagnosis.RenderAsync(id, "json", context.RequestAborted).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found");
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ApplyAsync(HttpContext context, string id, RunChanges changes)
    {
        await store.Live.ApplyAsync(id, changes, context.RequestAborted).ConfigureAwait(false);
        await JsonResponses.EmptyAsync(context).ConfigureAwait(false);
    }

    private async Task<RunRecord> RecordAsync(string id, CancellationToken cancellationToken) =>
        await store.Live.GetRecordAsync(id, cancellationToken).ConfigureAwait(false) ?? throw ApiException.NotFound($"Run '{id}' not found");

    /// <summary>An object of scalars as text: strings as they are, numbers and booleans as written in the JSON.</summary>
    private static Dictionary<string, string> Pairs(JsonElement body, string? field)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (field is not null && !body.TryGetProperty(field, out body))
        {
            return pairs;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Invalid($"{field ?? "body"}: expected an object of key: value pairs");
        }

        foreach (var p in body.EnumerateObject())
        {
            pairs[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => p.Value.GetRawText(),
                _ => throw ApiException.Invalid($"{field ?? "body"}.{p.Name}: expected a string, number, boolean or null, not an {p.Value.ValueKind.ToString().ToLowerInvariant()}"),
            };
        }

        return pairs;
    }

    private static string? Text(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null ? null
        : e.ValueKind == JsonValueKind.String ? e.GetString() : throw ApiException.Invalid($"{name}: expected a string, got {e.GetRawText()}");

    private static long? Step(string text, string name) =>
        text.Length == 0 ? null
        : long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
        : throw ApiException.Invalid($"{name}: expected a step (a whole number), got '{text}'");

    private static int Number(string text, string name, int fallback, int min, int max) =>
        text.Length == 0 ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw ApiException.Invalid($"{name}: expected a whole number from {min} to {max}, got '{text}'");
}
