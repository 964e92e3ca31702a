using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Runlens.Model;

namespace Runlens.Live.Watch;

/// <summary>
/// Sends a watched run to a Runlens server through its API as it grows (<c>runlens run --server URL</c>): creates the
/// run with its config, then after each turn posts the points each series gained, and at the end the events and how it
/// ended. Points are idempotent on the server (run, name, step, time), so a batch whose answer was lost is sent again
/// on the next turn without duplicates. A server that cannot be reached costs a warning, never the training.
/// </summary>
public sealed class ServerPublisher(HttpClient http, string runId, string name)
{
    private const int BatchPoints = 100_000;
    private readonly Dictionary<string, int> _sent = new(StringComparer.Ordinal);
    private bool _created;
    private int _eventsSent;

    public string RunId => runId;

    /// <summary>The last error met, once per distinct message (for a warning); null when all went through.</summary>
    public string? Problem { get; private set; }

    public async Task PublishAsync(Run run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            if (!_created)
            {
                var config = new JsonObject();
                foreach (var (key, value) in run.Config.Values)
                {
                    config[key] = value.Kind switch
                    {
                        ConfigValueKind.Number => value.Number,
                        ConfigValueKind.Boolean => value.Boolean,
                        ConfigValueKind.Null => null,
                        _ => value.Text,
                    };
                }

                await SendAsync(HttpMethod.Post, "api/runs", new JsonObject
                {
                    ["id"] = runId, ["name"] = name, ["config"] = config,
                    ["start_time"] = (run.Identity.Time.Start ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
                }, cancellationToken).ConfigureAwait(false);
                await SendAsync(HttpMethod.Post, $"api/runs/{runId}/status", new JsonObject { ["status"] = "running" }, cancellationToken).ConfigureAwait(false);
                _created = true;
            }

            foreach (var series in run.Series.Values)
            {
                var sent = _sent.GetValueOrDefault(series.Key);
                if (series.Count < sent)
                {
                    sent = 0; // the log was rewritten shorter: send it again, the server keeps no duplicate
                }

                while (sent < series.Count)
                {
                    var take = Math.Min(BatchPoints, series.Count - sent);
                    await SendAsync(HttpMethod.Post, $"api/runs/{runId}/points", Batch(series, sent, take), cancellationToken).ConfigureAwait(false);
                    sent += take;
                    _sent[series.Key] = sent;
                }
            }

            Problem = null;
        }
        catch (HttpRequestException ex)
        {
            Problem = ex.Message;
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Problem = "the server did not answer in time: " + ex.Message;
        }
    }

    /// <summary>Sends the events not sent yet and the run's end.</summary>
    public async Task FinishAsync(IReadOnlyList<RunEvent> events, RunStatus status, DateTimeOffset end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        try
        {
            if (events.Count > _eventsSent)
            {
                var list = new JsonArray();
                foreach (var e in events.Skip(_eventsSent))
                {
                    list.Add(new JsonObject { ["kind"] = Reports.Json.DiagnosisJsonRenderer.EventKind(e.Kind), ["message"] = e.Message, ["step"] = e.Step });
                }

                await SendAsync(HttpMethod.Post, $"api/runs/{runId}/events", new JsonObject { ["events"] = list }, cancellationToken).ConfigureAwait(false);
                _eventsSent = events.Count;
            }

            await SendAsync(HttpMethod.Post, $"api/runs/{runId}/status", new JsonObject
            {
                ["status"] = status.ToString().ToLowerInvariant(), ["end_time"] = end.ToUnixTimeMilliseconds(),
            }, cancellationToken).ConfigureAwait(false);
            Problem = null;
        }
        catch (HttpRequestException ex)
        {
            Problem = ex.Message;
        }
    }

    private static JsonObject Batch(Series series, int from, int count)
    {
        var steps = new JsonArray();
        var values = new JsonArray();
        var times = new JsonArray();
        var timed = true;
        for (var i = from; i < from + count; i++)
        {
            var p = series.Points[i];
            steps.Add(p.Step);
            values.Add(double.IsFinite(p.Value) ? JsonValue.Create(p.Value) : JsonValue.Create(double.IsNaN(p.Value) ? "NaN" : p.Value > 0 ? "Infinity" : "-Infinity"));
            timed &= !double.IsNaN(p.WallTime);
            times.Add(double.IsNaN(p.WallTime) ? 0 : (long)Math.Round(p.WallTime * 1000));
        }

        var column = new JsonObject { ["key"] = series.OriginalName, ["steps"] = steps, ["values"] = values };
        if (timed)
        {
            column["timestamps"] = times;
        }

        return new JsonObject { ["series"] = new JsonArray(column) };
    }

    private async Task SendAsync(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"{method} /{path}: {(int)response.StatusCode} {text}"));
        }
    }
}
