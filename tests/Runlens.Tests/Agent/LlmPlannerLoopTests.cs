using System.Text.Json.Nodes;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Storage;
using Runlens.Storage.Sqlite;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>
/// The LLM planner through a whole loop: real PyTorch training on the CPU (the reference trainer on scikit-learn's iris,
/// two seeds an experiment) from a bad start, planned by an OpenAI-compatible server on 127.0.0.1 that answers from a
/// script — a timid plan, then a malformed answer, then a plan that works — until the evaluator says the goal is
/// reached. Checked: what each prompt carries (the goal, the registry so far, the last experiment's diagnosis), the
/// registry (who planned what and why) and the stored runs.
/// </summary>
public sealed class LlmPlannerLoopTests
{
    private const string Timid = """{"action": "refine", "reason": "Train a little longer first.", "base": "E001", "changes": [{"key": "epochs", "value": 4, "why": "the loss was still falling"}]}""";
    private const string Works = """{"action": "refine", "reason": "The learning rate is far too low: raise it and train longer.", "base": "E002", "changes": [{"key": "learning_rate", "value": 0.01, "why": "lr-too-low: the loss barely moved"}, {"key": "epochs", "value": 80, "why": "not-converged"}]}""";

    [TorchFact]
    public async Task The_llm_planner_plans_every_experiment_of_a_real_torch_loop_until_the_goal_with_the_diagnoses_in_its_prompts()
    {
        await using var server = await ScriptedChatServer.StartAsync(
            new ScriptedChatServer.Reply(Timid),
            new ScriptedChatServer.Reply("Sure! Here is my plan: raise the learning rate."),
            new ScriptedChatServer.Reply(Works));
        using var dir = new TempDir();
        var d = AgentConfig.Default;
        var config = d with
        {
            Projects = Path.Combine(dir.Path, "projects"),
            Python = TorchFactAttribute.Python,
            Store = Path.Combine(dir.Path, "runs.db"),
            Planner = "llm",
            Planning = new LlmRoleSettings(server.BaseUrl, "planner-model", null, 60),
            Retry = new RetrySettings(2, 0.05, 1, 1, 1),
            Trainer = d.Trainer with { Script = Path.Combine(AgentTestKit.Callback, "runlens_trainer.py"), TimeLimitSeconds = 300 },
        };
        var goal = new AgentGoal("reach accuracy 0.9 on iris", "iris-llm", new GoalTarget("accuracy", true, 0.9, JudgedOn.Mean), "sklearn:iris", [1, 2],
            new AgentBudget(5, 20, 20),
            new ExperimentConfig(new DatasetConfig("sklearn:iris"), new ModelConfig("mlp", Hidden: [32]), new TrainingConfig("adam", 1e-4, 2, 16)));

        AgentOutcome outcome;
        await using (var session = await AgentSession.StartAsync(goal, config, null))
        {
            outcome = await session.RunAsync();
        }

        // The loop: E001 the bad start, E002 the LLM's timid plan, E003 its second plan after the malformed answer was
        // asked for again; the evaluator (not the LLM) says E003 reaches the goal, so the LLM is not asked a fourth time.
        Assert.Equal(AgentRegistry.GoalAchieved, outcome.Status);
        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        Assert.Equal(["E001", "E002", "E003"], registry.Experiments.Select(e => e.Id).ToArray());
        Assert.Equal(["start", "llm", "llm"], registry.Experiments.Select(e => e.PlannedBy).ToArray());
        Assert.Equal(["refine", "refine", "goal_achieved"], registry.Experiments.Select(e => e.Decision.Action).ToArray());
        Assert.All(registry.Experiments.Take(2), e => Assert.Equal(("llm", false), (e.Decision.Planner, e.Decision.FellBack)));
        var (e1, e2, e3) = (registry.Experiments[0], registry.Experiments[1], registry.Experiments[2]);
        Assert.Equal(("E001", 4, 1e-4), (e2.Base, e2.Config.Training.Epochs, e2.Config.Training.LearningRate));
        Assert.Equal("Train a little longer first.", e2.PlanReason);
        Assert.Equal(("E002", 80, 0.01), (e3.Base, e3.Config.Training.Epochs, e3.Config.Training.LearningRate));
        Assert.Equal(["learning_rate", "epochs"], e3.Changes.Select(c => c.Key).ToArray());
        Assert.Equal("lr-too-low: the loss barely moved", e3.Changes[0].Why);
        Assert.True(e1.Evaluation!.GoalValue < 0.9 && e2.Evaluation!.GoalValue < 0.9, $"the bad start and the timid plan: {e1.Evaluation.GoalValue}, {e2.Evaluation!.GoalValue}");
        Assert.True(e3.Evaluation!.GoalValue >= 0.9 && e3.Evaluation.GoalAchieved, $"the working plan: {e3.Evaluation.GoalValue}");

        // The prompts: three requests; each carries the goal, the registry so far with its evaluations and diagnosis
        // digests as the registry recorded them, and the last experiment's full diagnosis; the third asks again.
        var requests = server.Requests.Select(r => r.Body).ToList();
        Assert.Equal(3, requests.Count);
        var users = requests.Select(r => (string)r["messages"]!.AsArray()[1]!["content"]!).ToList();
        Assert.Contains("Your previous answer was not a valid plan: not JSON", users[2], StringComparison.Ordinal);
        foreach (var (user, last) in new[] { (users[0], 0), (users[1], 1), (users[2], 1) })
        {
            var doc = JsonNode.Parse(user.Split("\n\nYour previous answer")[0])!;
            Assert.Equal(goal.Text, (string?)doc["goal"]!["text"]);
            Assert.Equal(0.9, (double)doc["goal"]!["threshold"]!);
            var carried = doc["registry"]!.AsArray();
            Assert.Equal(last + 1, carried.Count);
            for (var i = 0; i <= last; i++)
            {
                var e = registry.Experiments[i];
                Assert.Equal(e.Id, (string?)carried[i]!["id"]);
                Assert.Equal(e.Evaluation!.GoalValue, (double?)carried[i]!["evaluation"]!["goal_value"]);
                Assert.Equal(e.Diagnosis!.Status, (string?)carried[i]!["diagnosis"]!["status"]);
                Assert.Equal(e.Diagnosis.RootCauses.Select(r => r.Id).ToArray(), carried[i]!["diagnosis"]!["root_causes"]!.AsArray().Select(r => (string?)r!["id"]).ToArray());
            }

            Assert.Equal($"E{last + 2:D3}", (string?)doc["next_experiment_id"]);
            var diagnosis = doc["last_diagnosis"]!;
            Assert.StartsWith("runlens.diagnosis/", (string?)diagnosis["schema"], StringComparison.Ordinal);
            Assert.Equal(registry.Experiments[last].Diagnosis!.Headline, (string?)diagnosis["summary"]!["headline"]); // the lead seed's, as recorded
        }

        // The bad start's diagnosis reached the LLM: the prompt names its root causes.
        Assert.NotEmpty(e1.Diagnosis!.RootCauses);
        Assert.Contains(e1.Diagnosis.RootCauses[0].Id, users[0], StringComparison.Ordinal);

        // The log: every line carries the goal's correlation id; the LLM calls with their tokens; the invalid answer.
        var lines = AgentTestKit.LogLines(outcome.Project);
        Assert.All(lines, l => Assert.Equal(registry.CorrelationId, (string?)l["correlation_id"]));
        Assert.Equal(3, lines.Count(l => (string?)l["event"] == "llm_call"));
        Assert.Single(lines, l => (string?)l["event"] == "llm_invalid_answer");
        Assert.DoesNotContain(lines, l => (string?)l["event"] == "llm_fallback");

        // The store: every seed of every experiment, under the goal, tagged with the correlation id and its experiment.
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(dir.Path, "runs.db"));
        var stored = await store.ListRunsAsync(new RunQuery(Experiment: goal.Name, Limit: 100));
        Assert.Equal(6, stored.Count);
        foreach (var e in registry.Experiments)
        {
            foreach (var run in e.Runs)
            {
                var record = await store.GetRecordAsync(run.RunId!);
                Assert.Equal(registry.CorrelationId, record!.Tags[AgentStore.CorrelationTag]);
                Assert.Equal(e.Id, record.Tags[AgentStore.ExperimentTag]);
                Assert.NotNull(await StoredPredictions.FindAsync(store, run.RunId!, "validation"));
            }
        }
    }
}
