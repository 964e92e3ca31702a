using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;

namespace Runlens.Agent.Tools;

/// <summary><c>configs/EXPERIMENT.json</c> (schema <c>runlens.agent-experiment/v1</c>): an experiment's configuration as
/// the trainer reads it, with the model code's path, the limits and the goal's correlation id.</summary>
public static class ExperimentFile
{
    public const string SchemaName = "runlens.agent-experiment/v1";

    /// <returns>The file's path.</returns>
    public static async Task<string> WriteAsync(string project, string experiment, string correlationId, ExperimentConfig config, string modelCode, int maxMemoryMb, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var body = JsonSerializer.SerializeToNode(config, AgentJson.Indented.ExperimentConfig)!.AsObject();
        body["model"]!.AsObject()["code"] = modelCode;
        var doc = new JsonObject
        {
            ["schema"] = SchemaName,
            ["experiment"] = experiment,
            ["correlation_id"] = correlationId,
        };
        foreach (var (key, value) in body)
        {
            doc[key] = value?.DeepClone();
        }

        doc["limits"] = new JsonObject { ["max_memory_mb"] = maxMemoryMb };
        var path = Path.Combine(project, ProjectLayout.Configs, experiment + ".json");
        await File.WriteAllTextAsync(path, doc.ToJsonString(AgentJson.Indented.Options) + "\n", cancellationToken).ConfigureAwait(false);
        return path;
    }
}
