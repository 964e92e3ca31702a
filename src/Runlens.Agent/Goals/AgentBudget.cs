namespace Runlens.Agent.Goals;

/// <summary>How much the agent may spend on one goal: experiments (iterations), training runs (every seed is a run) and
/// wall-clock minutes from the start (a resumed goal counts the time already spent).</summary>
public sealed record AgentBudget(int Iterations, int Runs, double WallMinutes)
{
    public static AgentBudget Default { get; } = new(10, 40, 30);
}
