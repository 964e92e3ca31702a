using System.Text.Json;
using Runlens.Model;
using Runlens.Reports.Json;
using Runlens.Server.Http;
using Runlens.Storage;
using Runlens.Storage.Search;

namespace Runlens.Server.Mlflow;

/// <summary>MLflow's JSON shapes (proto3 JSON as its server writes it: int64 as numbers, empty lists left out).</summary>
internal static class MlflowWriter
{
    public static void Experiment(Utf8JsonWriter w, Experiment e)
    {
        w.WriteStartObject();
        w.WriteString("experiment_id", e.Id);
        w.WriteString("name", e.Name);
        w.WriteString("artifact_location", e.ArtifactLocation);
        w.WriteString("lifecycle_stage", e.Lifecycle);
        w.WriteNumber("last_update_time", e.UpdatedMs);
        w.WriteNumber("creation_time", e.CreatedMs);
        Pairs(w, "tags", e.Tags);
        w.WriteEndObject();
    }

    public static void RunInfo(Utf8JsonWriter w, RunRecord r, string experimentId)
    {
        w.WriteStartObject();
        w.WriteString("run_uuid", r.Id);
        w.WriteString("experiment_id", experimentId);
        w.WriteString("run_name", r.Name);
        if (r.User is { } user)
        {
            w.WriteString("user_id", user);
        }

        w.WriteString("status", MlflowStatus.Name(r.Status));
        if (r.StartTime is { } start)
        {
            w.WriteNumber("start_time", start.ToUnixTimeMilliseconds());
        }

        if (r.EndTime is { } end)
        {
            w.WriteNumber("end_time", end.ToUnixTimeMilliseconds());
        }

        w.WriteString("artifact_uri", ArtifactUri(experimentId, r.Id));
        w.WriteString("lifecycle_stage", r.Lifecycle);
        w.WriteString("run_id", r.Id);
        w.WriteEndObject();
    }

    public static string ArtifactUri(string experimentId, string runId) => $"mlflow-artifacts:/{experimentId}/{runId}/artifacts";

    public static void Run(Utf8JsonWriter w, RunRecord r, string experimentId, byte[]? inputs)
    {
        w.WriteStartObject();
        w.WritePropertyName("info");
        RunInfo(w, r, experimentId);
        w.WritePropertyName("data");
        w.WriteStartObject();
        if (r.Metrics.Count > 0)
        {
            w.WriteStartArray("metrics");
            foreach (var (key, m) in r.Metrics.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                Metric(w, key, m.Value, m.Timestamp, m.Step);
            }

            w.WriteEndArray();
        }

        Pairs(w, "params", r.Params);
        Pairs(w, "tags", r.Tags);
        w.WriteEndObject();
        w.WritePropertyName("inputs");
        w.WriteStartObject();
        if (inputs is { Length: > 0 })
        {
            w.WritePropertyName("dataset_inputs");
            using var doc = JsonDocument.Parse(inputs);
            doc.RootElement.WriteTo(w);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Metric(Utf8JsonWriter w, string key, double value, long timestamp, long step, string? runId = null)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        JsonNumbers.Write(w, "value", value);
        w.WriteNumber("timestamp", timestamp);
        w.WriteNumber("step", step);
        if (runId is not null)
        {
            w.WriteString("run_id", runId);
        }

        w.WriteEndObject();
    }

    public static long Timestamp(SeriesPoint p) => double.IsFinite(p.WallTime) ? (long)Math.Round(p.WallTime * 1000, MidpointRounding.AwayFromZero) : 0;

    private static void Pairs(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var (key, value) in pairs.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
