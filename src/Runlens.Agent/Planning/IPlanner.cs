namespace Runlens.Agent.Planning;

/// <summary>Decides what the agent does after an experiment: refine (with the next configuration and why), declare the
/// goal achieved, or stop. Two implementations: <see cref="RuleBasedPlanner"/> and <see cref="LlmPlanner"/>.</summary>
public interface IPlanner
{
    Task<Plan> PlanAsync(PlanningContext context, CancellationToken cancellationToken = default);
}
