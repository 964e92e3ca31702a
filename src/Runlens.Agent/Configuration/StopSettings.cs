namespace Runlens.Agent.Configuration;

/// <summary>When the agent gives up before the budget is spent.</summary>
/// <param name="Patience">Experiments in a row without an improvement beyond seed noise over the best so far.</param>
/// <param name="MaxFailures">Experiments in a row that gave no result (every run failed, or the model did not check).</param>
public sealed record StopSettings(int Patience, int MaxFailures)
{
    public static StopSettings Default { get; } = new(3, 2);
}
