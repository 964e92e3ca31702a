using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>Bad input to <c>runlens agent</c> gets one clear line (file:line where there is one, the cause, the fix) and
/// exit code 2; a trainer that crashes on every run stops the agent with the crash named, and the registry stays valid.</summary>
public sealed class AgentBadInputTests
{
    [Fact]
    public async Task A_goal_sentence_without_a_metric_is_one_line_naming_the_metrics()
    {
        var r = await RunlensProcess.RunAsync("agent", "make the digits model better");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.Contains("names no metric", line, StringComparison.Ordinal);
        Assert.Contains("f1_macro", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_goal_file_without_a_metric_names_the_file_and_line()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "goal.yaml"), "goal: \"do well on digits\"\ndataset: sklearn:digits\ntarget:\n  threshold: 0.9\n");
        var r = await RunlensProcess.RunInAsync(dir.Path, "agent", "goal.yaml");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.StartsWith("runlens agent: goal.yaml:4:", line, StringComparison.Ordinal);
        Assert.Contains("target.metric", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_value_in_the_agent_config_names_the_file_line_and_fix()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "agent.yaml"), "planner: rules\ntrainer:\n  time_limit_seconds: soon\n");
        var r = await RunlensProcess.RunInAsync(dir.Path, "agent", "reach accuracy 0.9 on iris", "--config", "agent.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("runlens agent: agent.yaml:3: trainer.time_limit_seconds 'soon' is not a number from 1 to 604800; write e.g. time_limit_seconds: 300", r.StdErr.Trim());

        File.WriteAllText(Path.Combine(dir.Path, "agent.yaml"), "planer: llm\n");
        r = await RunlensProcess.RunInAsync(dir.Path, "agent", "reach accuracy 0.9 on iris", "--config", "agent.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("runlens agent: agent.yaml:1: unknown key 'planer'; the keys here are paths, store, planner,", r.StdErr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_of_a_folder_without_a_registry_is_one_line()
    {
        using var dir = new TempDir();
        var r = await RunlensProcess.RunAsync("agent", "resume", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"runlens agent: {dir.Path}: no registry.json here; give a project folder that `runlens agent` created", r.StdErr.Trim());
    }

    [PythonFact]
    public async Task A_trainer_that_crashes_on_every_run_stops_the_agent_with_the_crash_and_a_valid_registry()
    {
        using var dir = new TempDir();
        AgentTestKit.QuickConfig(dir.Path, crash: true);
        AgentTestKit.QuickGoal(dir.Path);
        var r = await RunlensProcess.RunInAsync(dir.Path, "agent", "goal.yaml", "--config", "agent.yaml");

        Assert.Equal(0, r.ExitCode);
        var project = AgentTestKit.Project(dir.Path);
        var registry = RegistryFile.Read(Path.Combine(project, RegistryFile.FileName));
        Assert.Equal(AgentRegistry.Stopped, registry.Status);
        var e = Assert.Single(registry.Experiments);
        Assert.Null(e.Evaluation);
        Assert.All(e.Runs, run => Assert.Equal("failed", run.Status));
        Assert.All(e.Runs, run => Assert.Contains("RuntimeError: the data loader lost its files", run.Failure, StringComparison.Ordinal));
        Assert.Contains("RuntimeError: the data loader lost its files", registry.StopReason, StringComparison.Ordinal);
        Assert.Contains("runlens agent resume", registry.StopReason, StringComparison.Ordinal);
        Assert.Contains("stopped: Every run of E001 failed", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(e.Diagnosis!.RootCauses, c => c.Id == "run-failed");
    }
}
