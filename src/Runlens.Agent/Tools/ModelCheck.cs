using System.Text.Json;
using Runlens.Agent.Configuration;
using Runlens.Agent.Processes;
using Runlens.Agent.Registry;

namespace Runlens.Agent.Tools;

/// <summary>
/// Seed 003's <c>pytorch_model_summary</c>, and the check every model passes before it is trained: the trainer's
/// <c>check</c> command imports the model module, builds it for the data set's shape and runs a forward pass on a dummy
/// batch in a child process, under the trainer's memory limit (set by the trainer on itself as an address-space limit, and
/// enforced from outside on the resident memory of the process and its children) and the check's time limit, and
/// answers the layers and
/// parameter counts from torch.
/// </summary>
public static class ModelCheck
{
    /// <returns>The summary, or the reason the model cannot be used (one line).</returns>
    public static async Task<(ModelSummaryRecord? Summary, string? Failure, TimeSpan Elapsed)> RunAsync(AgentConfig config, string project, string configFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ChildResult result;
        try
        {
            result = await ChildProcess.RunAsync([config.Python, TrainerScript.Path(config), "check", "--config", configFile], project,
                TimeSpan.FromSeconds(config.Trainer.CheckTimeLimitSeconds), null, config.Trainer.MaxMemoryMb * 1024L * 1024, cancellationToken).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, $"cannot start the Python interpreter '{config.Python}' ({ex.Message}); set paths.python in the agent config", TimeSpan.Zero);
        }

        if (result.Memory is { } memory)
        {
            return (null, $"the model check ran out of memory: {memory.Describe("trainer.max_memory_mb")}; it was stopped", result.Elapsed);
        }

        if (result.TimedOut)
        {
            return (null, $"the model check took longer than {config.Trainer.CheckTimeLimitSeconds:G} s and was stopped (trainer.check_time_limit_seconds)", result.Elapsed);
        }

        if (result.ExitCode != 0)
        {
            return (null, $"the model check failed (exit code {result.ExitCode}): {result.LastErrorLine ?? "no error text"}", result.Elapsed);
        }

        try
        {
            var line = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
            return (JsonSerializer.Deserialize(line, AgentJson.Indented.ModelSummaryRecord), null, result.Elapsed);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, $"the model check printed no summary ({ex.Message})", result.Elapsed);
        }
    }
}
