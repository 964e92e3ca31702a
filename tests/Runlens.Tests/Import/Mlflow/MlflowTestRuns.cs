using System.Globalization;
using System.Text;

namespace Runlens.Tests.Import.Mlflow;

/// <summary>Writes MLflow file-store folders the way MLflow's FileStore lays them out, for synthetic tests.</summary>
internal static class MlflowTestRuns
{
    public const long Start = 1_700_000_000_000;

    /// <summary>meta.yaml as MLflow 2.x writes it (run_id, run_name, run_uuid, numeric status).</summary>
    public static string NewMeta(string id, string name = "run-a", int status = 3, string experimentId = "1", string stage = "active") =>
        $"""
        artifact_uri: file:///tmp/mlruns/{experimentId}/{id}/artifacts
        end_time: {Start + 60_000}
        entry_point_name: ''
        experiment_id: '{experimentId}'
        lifecycle_stage: {stage}
        run_id: {id}
        run_name: {name}
        run_uuid: {id}
        source_name: ''
        source_type: 4
        source_version: ''
        start_time: {Start}
        status: {status}
        tags: []
        user_id: someone

        """;

    /// <summary>meta.yaml as MLflow 0.x/1.0 wrote it: run_uuid only, name, source_type, numeric status.</summary>
    public static string OldMeta(string id, int status = 3) =>
        $"""
        artifact_uri: /tmp/mlruns/0/{id}/artifacts
        end_time: {Start + 1000}
        entry_point_name: ''
        experiment_id: '0'
        lifecycle_stage: active
        name: ''
        run_uuid: {id}
        source_name: train.py
        source_type: 4
        source_version: abc123
        start_time: {Start}
        status: {status}
        tags: []
        user_id: someone

        """;

    public static string ExperimentMeta(string id, string name) =>
        $"""
        artifact_location: file:///tmp/mlruns/{id}
        creation_time: {Start}
        experiment_id: '{id}'
        last_update_time: {Start}
        lifecycle_stage: active
        name: {name}

        """;

    /// <summary>Metric lines <c>timestamp value step</c> as MLflow writes them.</summary>
    public static string Lines(params (long Step, string Value)[] points)
    {
        var sb = new StringBuilder();
        foreach (var (step, value) in points)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Start + step * 10} {value} {step}\n");
        }

        return sb.ToString();
    }

    public static string Lines(int count, Func<int, double> value)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Start + i * 10} {value(i):R} {i}\n");
        }

        return sb.ToString();
    }

    /// <summary>A run folder under <paramref name="experimentDir"/>.</summary>
    public static string Run(string experimentDir, string id, string? meta, IDictionary<string, string>? metrics = null,
        IDictionary<string, string>? parameters = null, IDictionary<string, string>? tags = null)
    {
        var dir = Path.Combine(experimentDir, id);
        Directory.CreateDirectory(dir);
        if (meta is not null)
        {
            File.WriteAllText(Path.Combine(dir, "meta.yaml"), meta);
        }

        Write(dir, "metrics", metrics ?? new Dictionary<string, string>());
        Write(dir, "params", parameters ?? new Dictionary<string, string>());
        Write(dir, "tags", tags ?? new Dictionary<string, string>());
        return dir;
    }

    public static string Experiment(string treeDir, string id, string name)
    {
        var dir = Path.Combine(treeDir, id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "meta.yaml"), ExperimentMeta(id, name));
        return dir;
    }

    private static void Write(string runDir, string folder, IDictionary<string, string> files)
    {
        var root = Path.Combine(runDir, folder);
        Directory.CreateDirectory(root);
        foreach (var (key, text) in files)
        {
            var path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }
}
