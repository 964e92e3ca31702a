using System.Text.Json.Nodes;
using Runlens.Agent.Goals;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The research loop end to end on real training: PyTorch on the CPU (the reference trainer on scikit-learn's
/// digits, from the example's deliberately bad start) and the quick command trainer.</summary>
public sealed class AgentEndToEndTests
{
    [TorchFact]
    public async Task The_digits_example_reaches_its_goal_from_a_bad_start_with_the_rule_based_planner()
    {
        using var dir = new TempDir();
        var example = Path.Combine(Fixtures.RepoRoot, "examples", "agent-digits");
        var yaml = File.ReadAllText(Path.Combine(example, "agent.yaml")).Replace("../../agent-projects", dir.Path, StringComparison.Ordinal);
        var configPath = Path.Combine(dir.Path, "agent.yaml");
        File.WriteAllText(configPath, yaml);
        var config = AgentTestKit.Read(configPath) with { Trainer = AgentTestKit.Read(configPath).Trainer with { Script = Path.Combine(AgentTestKit.Callback, "runlens_trainer.py") } };
        var goal = GoalFile.Read(Path.Combine(example, "goal.yaml"), config);
        var started = DateTime.UtcNow;

        await using var session = await AgentSession.StartAsync(goal, config, null);
        var outcome = await session.RunAsync();

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(goal.Budget.WallMinutes + 1), "the loop kept to its wall-time budget");
        Assert.Equal(AgentRegistry.GoalAchieved, outcome.Status);
        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        Assert.Equal(AgentRegistry.GoalAchieved, registry.Status);
        Assert.InRange(registry.Experiments.Length, 2, goal.Budget.Iterations);
        Assert.Equal([.. Enumerable.Range(1, registry.Experiments.Length).Select(i => $"E{i:D3}")], registry.Experiments.Select(e => e.Id).ToArray());

        // The bad start is diagnosed as not learning, and the first refinement raises the learning rate.
        var first = registry.Experiments[0];
        Assert.Equal(1e-4, first.Config.Training.LearningRate);
        Assert.True(first.Evaluation!.GoalValue < 0.5, $"the bad start's macro-F1 {first.Evaluation.GoalValue}");
        Assert.Contains(first.Diagnosis!.RootCauses, r => r.Id is "lr-too-low" or "underfitting" or "stopped-too-early");
        Assert.Equal("refine", first.Decision.Action);
        Assert.Contains(registry.Experiments[1].Changes, c => c.Key == "learning_rate" && c.To!.GetValue<double>() > 1e-4);
        Assert.All(registry.Experiments.Skip(1), e => Assert.All(e.Changes, c => Assert.False(string.IsNullOrWhiteSpace(c.Why))));

        // The last experiment reaches the goal on the mean over three seeds, with its interval and every seed's value.
        var last = registry.Experiments[^1];
        Assert.Equal("goal_achieved", last.Decision.Action);
        var f1 = last.Evaluation!.Aggregated["f1_macro"];
        Assert.Equal(3, f1.Values.Length);
        Assert.True(f1.Mean >= 0.95);
        Assert.Equal(f1.Values.Average(), f1.Mean, 12);
        Assert.NotNull(f1.Ci95);
        Assert.True(last.ModelSummary!.Parameters > 0);
        Assert.True(File.Exists(Path.Combine(outcome.Project, last.ModelCode)));
        Assert.All(last.Runs, r =>
        {
            Assert.Equal(SeedTrainer.Finished, r.Status);
            Assert.True(File.Exists(Path.Combine(outcome.Project, r.Folder, "runlens.jsonl")));
            Assert.True(File.Exists(Path.Combine(outcome.Project, r.Folder, "predictions.csv")));
            Assert.True(File.Exists(Path.Combine(outcome.Project, r.Folder, "process.json")));
            Assert.NotEmpty(Directory.GetDirectories(Path.Combine(outcome.Project, r.Folder), "checkpoint-*"));
        });

        // One correlation id on every log line, carried into experiments, tool calls and the stored runs.
        var lines = AgentTestKit.LogLines(outcome.Project);
        Assert.All(lines, l => Assert.Equal(registry.CorrelationId, (string?)l["correlation_id"]));
        Assert.All(lines, l => Assert.Equal(AgentLogSchema, (string?)l["schema"]));
        foreach (var tool in new[] { "model_summary", "trainer", "quick_evaluator", "diagnosis" })
        {
            Assert.Contains(lines, l => (string?)l["tool"] == tool && l["experiment"] is not null);
        }

        Assert.Contains(lines, l => (string?)l["event"] == "agent_stopped");
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "runs.db"));
        var stored = await store.ListRunsAsync(new RunQuery(Experiment: goal.Name, Limit: 1000));
        Assert.Equal(registry.RunsUsed, stored.Count);
        foreach (var run in registry.Experiments.SelectMany(e => e.Runs))
        {
            var record = await store.GetRecordAsync(run.RunId!);
            Assert.Equal(registry.CorrelationId, record!.Tags[AgentStore.CorrelationTag]);
            Assert.NotNull(await StoredPredictions.FindAsync(store, run.RunId!, "validation"));
        }
    }

    [PythonFact]
    public async Task The_agent_verb_prints_its_summary_and_status_shows_the_newest_project_as_text_and_as_the_registry()
    {
        using var dir = new TempDir();
        AgentTestKit.QuickConfig(dir.Path);
        AgentTestKit.QuickGoal(dir.Path, threshold: 0.8);

        var run = await RunlensProcess.RunInAsync(dir.Path, "agent", "goal.yaml", "--config", "agent.yaml");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var project = AgentTestKit.Project(dir.Path);
        Assert.Contains($"project   {project}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("status    goal achieved: ", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("E001      start: accuracy ", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("log: " + Path.Combine(project, "logs"), run.StdOut, StringComparison.Ordinal);

        var status = await RunlensProcess.RunInAsync(dir.Path, "agent", "status", "--config", "agent.yaml");
        Assert.True(status.ExitCode == 0, status.StdErr);
        var registry = RegistryFile.Read(Path.Combine(project, RegistryFile.FileName));
        Assert.Contains($"spent     {registry.Experiments.Length} of 8 experiments, {registry.RunsUsed} of 100 runs", status.StdOut, StringComparison.Ordinal);
        Assert.Equal(registry.Experiments.Length, status.StdOut.Split('\n').Count(l => l.StartsWith('E')));

        var json = await RunlensProcess.RunInAsync(dir.Path, "agent", "status", project, "--format", "json");
        Assert.True(json.ExitCode == 0, json.StdErr);
        var doc = JsonNode.Parse(json.StdOut)!;
        Assert.Equal(AgentRegistry.SchemaName, (string?)doc["schema"]);
        Assert.Equal(registry.CorrelationId, (string?)doc["correlation_id"]);
        Assert.Equal("goal_achieved", (string?)doc["status"]);
    }

    private const string AgentLogSchema = "runlens.agent-log/v1";

    [PythonFact]
    public async Task A_command_trainer_runs_under_the_recorder_and_its_runs_are_evaluated_diagnosed_and_stored()
    {
        using var dir = new TempDir();
        var config = AgentTestKit.Read(AgentTestKit.QuickConfig(dir.Path));
        var goal = GoalFile.Read(AgentTestKit.QuickGoal(dir.Path, threshold: 0.8), config);

        await using var session = await AgentSession.StartAsync(goal, config, null);
        var outcome = await session.RunAsync();

        Assert.Equal(AgentRegistry.GoalAchieved, outcome.Status);
        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        var first = registry.Experiments[0];
        Assert.Equal("start", first.PlannedBy);
        Assert.All(first.Runs, r => Assert.True(File.Exists(Path.Combine(outcome.Project, r.Folder, "output.log"))));
        var accuracy = first.Evaluation!.Aggregated["accuracy"];
        Assert.Equal(3, accuracy.Values.Length);
        var process = JsonNode.Parse(File.ReadAllText(Path.Combine(outcome.Project, first.Runs[0].Folder, "process.json")))!;
        Assert.Equal(0, (int)process["exit_code"]!);
        Assert.Contains("--seed", process["command"]!.AsArray().Select(x => (string?)x));
        Assert.True(registry.Experiments[^1].Evaluation!.GoalValue >= 0.8);
    }
}
