using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Runlens.Model;

namespace Runlens.Pipeline.Sources;

/// <summary>
/// A run on a Runlens server (<c>runlens serve</c>), read through its API: the run (<c>GET /api/runs/{id}</c>), its
/// series and their counts (<c>…/series</c>), and, for each series that grew, only the points from its last known step
/// on (<c>…/series/KEY?from=STEP</c>). The diagnosis is then computed here, so alerts see every point.
/// </summary>
public sealed class ServerRunSource : IRunSource
{
    private readonly HttpClient _http;
    private readonly string _id;
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private (long Points, string Status) _seen = (-1, "");

    /// <param name="http">A client whose <see cref="HttpClient.BaseAddress"/> is the server (and that carries the bearer
    /// token when the server has <c>--auth</c>).</param>
    public ServerRunSource(HttpClient http, string runId)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _id = runId ?? throw new ArgumentNullException(nameof(runId));
    }

    public string Description => $"run {_id} on {_http.BaseAddress}";

    public async Task<SourceRead> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new SourceRead(null, $"{_http.BaseAddress}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return new SourceRead(null, $"{_http.BaseAddress} did not answer with Runlens JSON: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SourceRead(null, $"{_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
    }

    private async Task<SourceRead> ReadCoreAsync(CancellationToken ct)
    {
        using var recordResponse = await _http.GetAsync($"api/runs/{Uri.EscapeDataString(_id)}", ct).ConfigureAwait(false);
        if (!recordResponse.IsSuccessStatusCode)
        {
            return new SourceRead(null, $"GET /api/runs/{_id}: {(int)recordResponse.StatusCode} {await recordResponse.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }

        using var record = JsonDocument.Parse(await recordResponse.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var r = record.RootElement;
        using var listing = await _http.GetFromJsonAsync<JsonDocument>($"api/runs/{Uri.EscapeDataString(_id)}/series", ct).ConfigureAwait(false)
            ?? throw new JsonException("empty series list");
        var counts = listing.RootElement.GetProperty("series").EnumerateArray()
            .Select(s => (Key: s.GetProperty("key").GetString()!, Count: s.GetProperty("count").GetInt64())).ToList();
        var status = Text(r, "status") ?? "";
        var now = (counts.Sum(c => c.Count), status);
        if (now == _seen)
        {
            return SourceRead.Unchanged;
        }

        foreach (var (key, count) in counts)
        {
            var known = _series.GetValueOrDefault(key);
            if (known?.Count == count)
            {
                continue;
            }

            // Only the points from the last known step on; a series whose steps went back (a resumed run) is read whole.
            var from = known is { Count: > 0 } ? known.Last.Step : (long?)null;
            var fetched = await FetchAsync(key, from, ct).ConfigureAwait(false);
            var merged = from is null ? fetched : fetched with { Points = [.. known!.Points.Where(p => p.Step < from), .. fetched.Points] };
            _series[key] = merged.Count == count ? merged : await FetchAsync(key, null, ct).ConfigureAwait(false);
        }

        _seen = now;
        var config = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        if (r.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in c.EnumerateObject())
            {
                config[p.Name] = ConfigValue.Parse(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
            }
        }

        var name = Text(r, "name") ?? _id;
        var run = new Run
        {
            Identity = new RunIdentity(_id, name, Text(r, "experiment"), new RunSource(Text(r, "format") ?? "api", Text(r, "source") ?? ""))
            {
                Time = new StartEnd(Time(r, "start_time"), Time(r, "end_time")),
            },
            Config = RunConfig.From(config),
            Series = _series.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Status = Enum.TryParse<RunStatus>(status, ignoreCase: true, out var st) ? st : RunStatus.Unknown,
        };
        return SourceRead.Of(run);
    }

    private async Task<Series> FetchAsync(string key, long? from, CancellationToken ct)
    {
        var path = $"api/runs/{Uri.EscapeDataString(_id)}/series/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}"
            + (from is { } f ? "?from=" + f.ToString(CultureInfo.InvariantCulture) : "");
        using var doc = await _http.GetFromJsonAsync<JsonDocument>(path, ct).ConfigureAwait(false) ?? throw new JsonException("empty series");
        var s = doc.RootElement;
        var steps = s.GetProperty("steps");
        var values = s.GetProperty("values");
        var times = s.TryGetProperty("timestamps", out var t) ? t : default;
        var points = ImmutableArray.CreateBuilder<SeriesPoint>(steps.GetArrayLength());
        using var value = values.EnumerateArray().GetEnumerator();
        using var time = times.ValueKind == JsonValueKind.Array ? times.EnumerateArray().GetEnumerator() : default;
        var timed = times.ValueKind == JsonValueKind.Array;
        foreach (var step in steps.EnumerateArray())
        {
            value.MoveNext();
            var v = value.Current;
            var number = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.Parse(v.GetString() ?? "NaN", CultureInfo.InvariantCulture);
            var wall = timed && time.MoveNext() && time.Current.ValueKind == JsonValueKind.Number ? time.Current.GetInt64() / 1000.0 : double.NaN;
            points.Add(new SeriesPoint(step.GetInt64(), number, double.NaN, wall));
        }

        return new Series(key, Text(s, "name") ?? key, points.MoveToImmutable());
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds(v.GetInt64()) : null;
}
