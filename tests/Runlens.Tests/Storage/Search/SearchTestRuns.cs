using Runlens.Model;
using Runlens.Storage;

namespace Runlens.Tests.Storage.Search;

/// <summary>Stored runs for the search tests, built directly.</summary>
internal static class SearchTestRuns
{
    public static RunRecord StoredRun(
        string id = "run-1",
        string name = "run",
        RunStatus status = RunStatus.Finished,
        long? start = 1_000,
        long? end = null,
        string? user = "alice",
        Dictionary<string, double>? metrics = null,
        Dictionary<string, string>? parameters = null,
        Dictionary<string, string>? tags = null) =>
        new(
            id,
            name,
            "experiment",
            null,
            "mlflow",
            "/tmp/mlruns/0/" + id,
            status,
            start is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(start.Value),
            end is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(end.Value),
            user,
            "active",
            parameters ?? [],
            tags ?? [],
            (metrics ?? []).ToDictionary(m => m.Key, m => new LatestMetric(m.Value, 10, 0)));
}
