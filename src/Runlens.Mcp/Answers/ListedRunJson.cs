using System.Text.Json.Serialization;
using Runlens.Reports.Contracts;

namespace Runlens.Mcp.Answers;

/// <summary>A run in <c>list_runs</c>: identity, status, start, format, series and point counts, the latest value of the
/// metrics asked for (left out when none were), and its stored diagnosis digest (null when it was not diagnosed at its
/// current point count).</summary>
internal sealed record ListedRunJson(
    string Id,
    string Name,
    string? Experiment,
    string Status,
    DateTimeOffset? StartTime,
    string Format,
    int Series,
    long Points,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, LatestMetricJson?>? Metrics,
    RunSummary? Diagnosis);
