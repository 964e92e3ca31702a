using Runlens.Model;

namespace Runlens.Storage;

/// <summary>A run created through an API (it has no points yet).</summary>
/// <param name="Format">Where it came from: <c>api</c> (Runlens' own API) or <c>mlflow-api</c>.</param>
public sealed record NewRun(string Id, string Name, string? Experiment, string Format, DateTimeOffset? StartTime, string? User = null, string? ParentId = null)
{
    public RunStatus Status { get; init; } = RunStatus.Running;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
