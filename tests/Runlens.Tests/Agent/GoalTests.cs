using Runlens.Agent;
using Runlens.Agent.Configuration;
using Runlens.Agent.Goals;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>Goals from sentences and from goal.yaml, and the agent config's errors.</summary>
public sealed class GoalTests
{
    [Theory]
    [InlineData("reach macro-F1 0.95 on digits", "f1_macro", 0.95, "sklearn:digits")]
    [InlineData("Accuracy of at least 97% on the wine data set", "accuracy", 0.97, "sklearn:wine")]
    [InlineData("get balanced accuracy .9 on breast cancer", "balanced_accuracy", 0.9, "sklearn:breast_cancer")]
    [InlineData("log loss below 0.2 on data/train.csv", "log_loss", 0.2, "csv:data/train.csv")]
    public void A_goal_sentence_gives_its_metric_threshold_and_data_set(string sentence, string metric, double threshold, string dataset)
    {
        var parsed = GoalText.TryParse(sentence)!;
        Assert.Equal(metric, parsed.Metric);
        Assert.Equal(threshold, parsed.Threshold!.Value, 12);
        Assert.Equal(dataset, parsed.Dataset);
    }

    [Fact]
    public void A_sentence_goal_takes_seeds_and_budget_from_the_agent_config_and_losses_are_minimised()
    {
        var config = AgentConfig.Default with { Budget = new AgentBudget(3, 9, 2) };
        var goal = GoalFile.FromText("log loss 0.2 on iris", config);
        Assert.False(goal.Target.GreaterIsBetter);
        Assert.True(goal.Target.IsReachedBy(0.19));
        Assert.False(goal.Target.IsReachedBy(0.21));
        Assert.Equal(config.Evaluation.Seeds.ToArray(), goal.Seeds.ToArray());
        Assert.Equal(new AgentBudget(3, 9, 2), goal.Budget);
        Assert.Equal("log-loss-0-2-on-iris", goal.Name);
    }

    [Theory]
    [InlineData("make it better on digits", "names no metric")]
    [InlineData("reach accuracy on digits", "names no threshold")]
    [InlineData("reach accuracy 0.9", "names no data set")]
    public void A_sentence_that_misses_a_part_says_which(string sentence, string expected)
    {
        var ex = Assert.Throws<AgentInputException>(() => GoalFile.FromText(sentence, AgentConfig.Default));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_goal_file_gives_the_target_the_seeds_the_budget_and_a_start_configuration()
    {
        var goal = GoalFile.Parse("goal.yaml", """
            goal: "reach accuracy 0.9 on iris"
            target:
              judged_on: ci95_bound
            seeds: 4
            budget: {iterations: 5}
            start:
              model: {architecture: cnn, channels: [8, 16], dropout: 0.2}
              training: {learning_rate: 0.01, epochs: 3}
            """, AgentConfig.Default);
        Assert.Equal(new GoalTarget("accuracy", true, 0.9, JudgedOn.Ci95Bound), goal.Target);
        Assert.Equal([1, 2, 3, 4], goal.Seeds.ToArray());
        Assert.Equal(5, goal.Budget.Iterations);
        Assert.Equal(AgentBudget.Default.Runs, goal.Budget.Runs);
        Assert.Equal("cnn", goal.Start!.Model.Architecture);
        Assert.Equal([8, 16], goal.Start.Model.Channels!.Value.ToArray());
        Assert.Equal(3, goal.Start.Model.KernelSize);
        Assert.Equal(0.2, goal.Start.Model.Dropout);
        Assert.Equal(0.01, goal.Start.Training.LearningRate);
        Assert.Equal(3, goal.Start.Training.Epochs);
        Assert.Equal(AgentConfig.Default.Evaluation.BatchSize, goal.Start.Training.BatchSize);
    }

    [Fact]
    public async Task A_csv_goal_names_its_label_column_and_the_first_experiment_reads_it()
    {
        using var dir = new TempDir();
        var config = AgentTestKit.Read(AgentTestKit.QuickConfig(dir.Path));
        var goal = GoalFile.Parse(Path.Combine(dir.Path, "goal.yaml"), "goal: reach accuracy 0.9\ndataset: csv:data/blobs.csv\nlabel: kind\n", config);
        Assert.Equal("csv:" + Path.Combine(dir.Path, "data", "blobs.csv"), goal.Dataset);
        Assert.Equal("kind", goal.Label);

        await using var session = await AgentSession.StartAsync(goal, config, null);

        var planned = RegistryFile.Read(Path.Combine(session.Project, RegistryFile.FileName)).Next!.Config.Dataset;
        Assert.Equal(("csv:" + Path.Combine(dir.Path, "data", "blobs.csv"), "kind"), (planned.Source, planned.Target));
    }

    [Theory]
    [InlineData("goal: x\ntarget: {metric: f1_macro, threshold: 0.9}\ndataset: mnist\n", "goal.yaml:3: dataset 'mnist' is not a data set the trainer reads")]
    [InlineData("goal: x on digits\ntarget: {metric: f2, threshold: 0.9}\n", "goal.yaml:2: target.metric 'f2' is not a metric Runlens evaluates")]
    [InlineData("goal: reach accuracy 0.9 on iris\nseeds: [1]\n", "goal.yaml:2: seeds needs at least two different seeds")]
    [InlineData("goal: reach accuracy 0.9 on iris\nstart:\n  training: {learning_rate: -1}\n", "goal.yaml:3: start.training.learning_rate is wrong: learning_rate -1 is out of range")]
    [InlineData("goal: reach accuracy 0.9 on iris\nstart:\n  model: {hidden: [32]}\n  training: {lr: 0.1}\n", "goal.yaml:4: unknown key 'start.training.lr'")]
    [InlineData("goal: reach accuracy 0.9 on iris\n  bad: indent\n", "goal.yaml:2: not valid YAML")]
    [InlineData("goal: reach accuracy 0.9 on iris\nlabel: species\n", "goal.yaml:2: label 'species' names a label column, but sklearn:iris is not a CSV data set; remove label, or use dataset: csv:PATH")]
    public void A_wrong_goal_file_names_the_file_and_line(string yaml, string expected)
    {
        var ex = Assert.Throws<AgentInputException>(() => GoalFile.Parse("goal.yaml", yaml, AgentConfig.Default));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_config_reads_every_section_and_keeps_the_defaults_for_the_rest()
    {
        var config = AgentConfigFile.Parse("/cfg/agent.yaml", """
            paths: {projects: out, python: /opt/py/bin/python3}
            planner: llm
            llm:
              profile: production
              planning: {model: gpt-test, timeout_seconds: 20}
              tools: {base_url: "http://127.0.0.1:9/v1", model: coder, api_key_env: TOOLS_KEY}
            retry: {llm_attempts: 2, invalid_answers: 0}
            evaluation: {seeds: [7, 8], parallel: 1}
            trainer:
              kind: command
              command: [python3, train.py, --out, "{out}", --seed, "{seed}"]
              time_limit_seconds: 30
            stop: {patience: 2}
            budget: {wall_minutes: 1.5}
            """);
        Assert.Equal("/cfg/out", config.Projects);
        Assert.Equal("/opt/py/bin/python3", config.Python);
        Assert.Equal("llm", config.Planner);
        Assert.Equal(new LlmRoleSettings(null, "gpt-test", "OPENAI_API_KEY", 20), config.Planning);
        Assert.Equal(new LlmRoleSettings("http://127.0.0.1:9/v1", "coder", "TOOLS_KEY", 60), config.Tools);
        Assert.Equal(2, config.Retry.LlmAttempts);
        Assert.Equal(0, config.Retry.InvalidAnswers);
        Assert.Equal([7, 8], config.Evaluation.Seeds.ToArray());
        Assert.Equal("command", config.Trainer.Kind);
        Assert.Equal(30, config.Trainer.TimeLimitSeconds);
        Assert.Equal(2, config.Stop.Patience);
        Assert.Equal(AgentConfig.Default.Stop.MaxFailures, config.Stop.MaxFailures);
        Assert.Equal(1.5, config.Budget.WallMinutes);
    }

    [Theory]
    [InlineData("trainer:\n  kind: command\n", "agent.yaml:2: trainer.command is missing for kind: command")]
    [InlineData("trainer:\n  kind: command\n  command: [python3, train.py]\n", "agent.yaml:3: trainer.command has no {out} placeholder")]
    [InlineData("llm:\n  planning:\n    base_url: localhost:11434\n", "agent.yaml:3: llm.planning.base_url 'localhost:11434' is not an http(s) URL")]
    [InlineData("planner: gpt\n", "agent.yaml:1: planner 'gpt' is not one of rules, llm")]
    public void A_wrong_agent_config_names_the_file_line_and_fix(string yaml, string expected)
    {
        var ex = Assert.Throws<AgentInputException>(() => AgentConfigFile.Parse("agent.yaml", yaml));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
