using System.Text.Json.Serialization;
using Runlens.Reports.Contracts;
using Runlens.Storage;

namespace Runlens.Server.Contracts;

/// <summary>
/// A stored run as the native API answers it (<c>GET /api/runs/{id}</c> and each run of a search): identity, status,
/// lifecycle, format and source path, parent, user, start and end (Unix milliseconds), config and tags as text, each
/// metric's latest value, and with <c>?summary=1</c> its diagnosis digest. The contracts' null rule: a field the run
/// does not have is <c>null</c>, never left out; only <c>diagnosis</c> is left out when it was not asked for.
/// </summary>
internal sealed record StoredRunJson(
    string Id,
    string Name,
    string? Experiment,
    string Status,
    string Lifecycle,
    string Format,
    string Source,
    string? ParentId,
    string? User,
    long? StartTime,
    long? EndTime,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, StoredMetricJson> Metrics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RunSummary? Diagnosis)
{
    public static StoredRunJson From(RunRecord r, RunSummary? summary)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Name, r.Experiment, RunJson.StatusText(r.Status), r.Lifecycle, r.Format, r.SourcePath, r.ParentId, r.User,
            r.StartTime?.ToUnixTimeMilliseconds(), r.EndTime?.ToUnixTimeMilliseconds(), Sorted(r.Params), Sorted(r.Tags),
            r.Metrics.OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => new StoredMetricJson(x.Value.Value, x.Value.Step, x.Value.Timestamp), StringComparer.Ordinal),
            summary);
    }

    private static Dictionary<string, string> Sorted(IReadOnlyDictionary<string, string> pairs) =>
        pairs.OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
}
