using Runlens.Agent.Configuration;

namespace Runlens.Agent.Tools;

/// <summary>Where the reference trainer is: <c>paths.trainer</c> of the agent config, else the copy of
/// <c>clients/python/runlens_trainer.py</c> next to the runlens executable.</summary>
public static class TrainerScript
{
    public static string Path(AgentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Trainer.Script ?? System.IO.Path.Combine(AppContext.BaseDirectory, "python", "runlens_trainer.py");
    }

    /// <exception cref="AgentInputException">The script is not there.</exception>
    public static void Check(AgentConfig config)
    {
        if (config.Trainer.Kind == "reference" && !File.Exists(Path(config)))
        {
            throw new AgentInputException($"{Path(config)}: the reference trainer is not there; set paths.trainer in the agent config to clients/python/runlens_trainer.py");
        }
    }
}
