using Runlens.Agent.Goals;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The stop criteria a goal that cannot be reached meets: the quick command trainer's accuracy stops growing
/// at 0.97, so a goal of 0.999 ends when <c>stop.patience</c> experiments in a row gained nothing beyond seed noise,
/// and the budget ends a goal when its experiments are spent.</summary>
public sealed class AgentStopTests
{
    [PythonFact]
    public async Task Experiments_that_stop_improving_beyond_seed_noise_stop_the_agent_after_the_patience_and_say_why()
    {
        using var dir = new TempDir();
        var config = AgentTestKit.Read(AgentTestKit.QuickConfig(dir.Path));
        var goal = GoalFile.Read(AgentTestKit.QuickGoal(dir.Path, threshold: 0.999, iterations: 20), config);

        await using var session = await AgentSession.StartAsync(goal, config, null);
        var outcome = await session.RunAsync();

        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        Assert.Equal(AgentRegistry.Stopped, registry.Status);
        Assert.Equal("no improvement beyond seed noise in the last 3 experiments (stop.patience 3)", registry.StopReason);
        var tail = registry.Experiments[^3..];
        Assert.All(tail, e => Assert.False(e.Improved, $"{e.Id} improved"));
        Assert.True(registry.Experiments[^4].Improved);
        Assert.True(registry.Experiments.Length < 20);
        Assert.Equal("stop", registry.Experiments[^1].Decision.Action);
        Assert.Equal(registry.StopReason, registry.Experiments[^1].Decision.Reason);
        Assert.Null(registry.Next);
    }

    [PythonFact]
    public async Task A_spent_budget_of_experiments_stops_the_agent_and_says_so()
    {
        using var dir = new TempDir();
        var config = AgentTestKit.Read(AgentTestKit.QuickConfig(dir.Path));
        var goal = GoalFile.Read(AgentTestKit.QuickGoal(dir.Path, threshold: 0.999, iterations: 2), config);

        await using var session = await AgentSession.StartAsync(goal, config, null);
        var outcome = await session.RunAsync();

        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        Assert.Equal(AgentRegistry.Stopped, registry.Status);
        Assert.Equal(2, registry.Experiments.Length);
        Assert.Equal("the budget of 2 experiments is spent", registry.StopReason);
    }
}
