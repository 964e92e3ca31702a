using Runlens.Model;

namespace Runlens.Storage;

/// <summary>The latest value of a metric: the point with the highest step (then the latest time) — what MLflow shows
/// as a run's metric and what search filters and orders by.</summary>
/// <param name="Timestamp">Milliseconds since the Unix epoch, 0 when unknown.</param>
public sealed record LatestMetric(double Value, long Step, long Timestamp)
{
    /// <summary>The Runlens key of the metric's series (<c>val/loss</c> for <c>eval_loss</c>), when known.</summary>
    public string? Key { get; init; }
}

/// <summary>
/// A stored run without its points: identity, lifecycle, params (config values as text), tags and the latest value of
/// every metric. What run lists, run search and the MLflow API read.
/// </summary>
/// <param name="Lifecycle"><c>active</c> or <c>deleted</c>.</param>
/// <param name="Metrics">Latest value by the metric's original (as logged) name.</param>
public sealed record RunRecord(
    string Id,
    string Name,
    string? Experiment,
    string? ParentId,
    string Format,
    string SourcePath,
    RunStatus Status,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    string? User,
    string Lifecycle,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, LatestMetric> Metrics);
