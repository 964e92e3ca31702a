using System.Collections.Immutable;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Planning;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The rule-based planner on real diagnoses (the example runs) and on recorded failures.</summary>
public sealed class RuleBasedPlannerTests
{
    private static readonly AgentGoal Goal = new("reach accuracy 0.9 on iris", "iris", new GoalTarget("accuracy", true, 0.9, JudgedOn.Mean), "sklearn:iris", [1, 2, 3], AgentBudget.Default);
    private static readonly ExperimentConfig Start = new(new DatasetConfig("sklearn:iris"), ModelConfig.Default("mlp"), new TrainingConfig("adam", 1e-3, 10, 32));

    [Fact]
    public async Task An_overfitting_run_gets_weight_decay_and_dropout_each_with_the_finding_as_its_reason()
    {
        var diagnoses = await DiagnosesAsync("hf-trainer-multi-eval-overfit");
        Assert.Contains(diagnoses[1].RootCauses, r => r.Id == "overfitting");
        var plan = RuleBasedPlanner.Decide(Context([Record("E001", Start, 0.8, diagnoses)], diagnoses));

        Assert.Equal(PlanAction.Refine, plan.Action);
        Assert.Equal("E001", plan.Base);
        var wd = Assert.Single(plan.Changes, c => c.Key == "weight_decay");
        Assert.Equal(1e-4, wd.To!.GetValue<double>());
        Assert.StartsWith("overfitting: ", wd.Why, StringComparison.Ordinal);
        Assert.Equal(0.1, Assert.Single(plan.Changes, c => c.Key == "model.dropout").To!.GetValue<double>());
        Assert.Equal(1e-4, plan.Next!.Training.WeightDecay);
        Assert.Contains("weight_decay 0 → 0.0001 (overfitting:", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_goal_reached_is_declared_achieved_with_the_figure()
    {
        var diagnoses = await DiagnosesAsync("lightning-csv-mnist-cnn");
        var done = Record("E001", Start, 0.93, diagnoses) with { Evaluation = Evaluation(0.93, achieved: true) };
        var plan = RuleBasedPlanner.Decide(Context([done], diagnoses));
        Assert.Equal(PlanAction.GoalAchieved, plan.Action);
        Assert.Contains("accuracy mean 0.93 over 3 seeds", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worse_experiment_sends_the_next_one_back_to_the_best_configuration()
    {
        var diagnoses = await DiagnosesAsync("lightning-csv-mnist-cnn");
        var better = Record("E001", Start, 0.85, diagnoses);
        var worse = Record("E002", Start with { Training = Start.Training with { LearningRate = 0.1 } }, 0.6, diagnoses) with { Base = "E001" };
        var plan = RuleBasedPlanner.Decide(Context([better, worse], diagnoses));
        Assert.Equal(PlanAction.Refine, plan.Action);
        Assert.Equal("E001", plan.Base);
        Assert.StartsWith("E002 did worse than E001 (accuracy 0.6 vs 0.85), so the next experiment starts from E001.", plan.Reason, StringComparison.Ordinal);
        Assert.Equal(RuleBasedPlanner.Key(Start), RuleBasedPlanner.Key(RuleBasedPlanner.Apply(plan.Next!, plan.Changes.Select(c => new ConfigMove(c.Key, c.From, "back")), out _)));
    }

    [Fact]
    public void Runs_out_of_memory_halve_the_batch_and_runs_that_crash_otherwise_stop_the_agent_with_the_crash()
    {
        var oom = Failed("E001", "exit code 1: CUDA out of memory. Tried to allocate 2.00 GiB");
        var plan = RuleBasedPlanner.Decide(Context([oom], new Dictionary<int, Diagnosis>()));
        Assert.Equal(PlanAction.Refine, plan.Action);
        Assert.Equal(16, plan.Next!.Training.BatchSize);

        var crash = Failed("E001", "exit code 1: KeyError: 'label'");
        plan = RuleBasedPlanner.Decide(Context([crash], new Dictionary<int, Diagnosis>()));
        Assert.Equal(PlanAction.Stop, plan.Action);
        Assert.Contains("KeyError: 'label'", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_planner_never_proposes_a_configuration_already_tried()
    {
        var diagnoses = await DiagnosesAsync("lightning-csv-mnist-cnn");
        var experiments = new List<ExperimentRecord> { Record("E001", Start, 0.5, diagnoses) };
        var all = new Dictionary<string, IReadOnlyDictionary<int, Diagnosis>> { ["E001"] = diagnoses };
        var seen = new HashSet<string>(StringComparer.Ordinal) { RuleBasedPlanner.Key(Start) };
        for (var i = 2; i < 12; i++)
        {
            var plan = RuleBasedPlanner.Decide(new PlanningContext(Goal, AgentConfig.Default, experiments, all, null, null, $"E{i:D3}"));
            if (plan.Action != PlanAction.Refine)
            {
                Assert.Equal(PlanAction.Stop, plan.Action);
                break;
            }

            Assert.True(seen.Add(RuleBasedPlanner.Key(plan.Next!)), $"E{i:D3} repeats a configuration: {plan.Reason}");
            Assert.NotEmpty(plan.Changes);
            Assert.All(plan.Changes, c => Assert.False(string.IsNullOrWhiteSpace(c.Why)));
            experiments.Add(Record($"E{i:D3}", plan.Next!, 0.5, diagnoses) with { Base = plan.Base });
            all[$"E{i:D3}"] = diagnoses;
        }
    }

    private static async Task<Dictionary<int, Diagnosis>> DiagnosesAsync(string example)
    {
        var imported = await ImporterCatalog.ImportAsync(Fixtures.Example(example), ImportContext.None);
        return new Dictionary<int, Diagnosis> { [1] = new DiagnosisService().Diagnose(new ResolvedRun(imported.Runs[0])) };
    }

    private static PlanningContext Context(IReadOnlyList<ExperimentRecord> experiments, IReadOnlyDictionary<int, Diagnosis> diagnoses) =>
        new(Goal, AgentConfig.Default, experiments, experiments.ToDictionary(e => e.Id, _ => diagnoses), null, null, $"E{experiments.Count + 1:D3}");

    private static EvaluationRecord Evaluation(double value, bool achieved = false) =>
        new(3, ImmutableSortedDictionary<string, MetricInterval>.Empty.Add("accuracy", new MetricInterval(value, 0.01, value - 0.01, value + 0.01, [value - 0.02, value + 0.02], [value - 0.01, value, value + 0.01])),
            2, "accuracy", value, achieved, []);

    private static ExperimentRecord Record(string id, ExperimentConfig config, double value, IReadOnlyDictionary<int, Diagnosis> diagnoses) =>
        new(id, int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, config, null, [], "test", "rules", $"models/{id}.py", null, [],
            Evaluation(value), SeedDiagnoses.Digest(diagnoses, 1), null, null, true, new DecisionRecord("refine", "", "rules", false, null), null);

    private static ExperimentRecord Failed(string id, string failure) =>
        new(id, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, Start, null, [], "test", "start", $"models/{id}.py", null,
            [.. new[] { 1, 2, 3 }.Select(s => new SeedRunRecord(s, $"experiments/{id}/seed-{s}", null, SeedTrainer.Failed, 1, 1, failure))],
            null, null, null, null, false, new DecisionRecord("refine", "", "rules", false, null), "every run failed: " + failure);
}
