using System.Text.Json.Nodes;
using Runlens.Agent.Goals;
using Runlens.Agent.Llm;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The model assembler's LLM option (<c>llm.generate_models: true</c>) in a real loop: the tools' LLM is a
/// scripted OpenAI-compatible server on 127.0.0.1; the module it writes is checked by the reference trainer's
/// <c>check</c> (import, build, a forward pass on a dummy batch, in a child process) and trained with PyTorch when it
/// passes, and replaced by the template when it fails.</summary>
public sealed class ModelWriterTests
{
    private const string GoodModule = """
        '''Written by the scripted LLM.'''
        import math

        from torch import nn


        class LlmNet(nn.Module):
            def __init__(self, width, num_classes):
                super().__init__()
                self.flat = nn.Flatten()
                self.body = nn.Linear(width, 7)
                self.head = nn.Linear(7, num_classes)

            def forward(self, x):
                return self.head(self.body(self.flat(x)).relu())


        def build_model(config, input_shape, num_classes):
            return LlmNet(math.prod(input_shape), num_classes)
        """;

    private const string BrokenModule = """
        from torch import nn


        class Broken(nn.Module):
            def forward(self, x):
                raise RuntimeError("the scripted LLM wrote a forward that fails")


        def build_model(config, input_shape, num_classes):
            return Broken()
        """;

    [TorchFact]
    public async Task The_tools_LLM_writes_the_model_a_module_that_passes_its_check_is_trained_and_one_that_fails_is_replaced_by_the_template()
    {
        await using var server = await ScriptedChatServer.StartAsync(
            new ScriptedChatServer.Reply(new JsonObject { ["code"] = GoodModule }.ToJsonString()),
            new ScriptedChatServer.Reply(new JsonObject { ["code"] = BrokenModule }.ToJsonString()));
        using var dir = new TempDir();
        var configPath = Path.Combine(dir.Path, "agent.yaml");
        File.WriteAllText(configPath, $$"""
            paths:
              projects: projects
              python: {{TorchFactAttribute.Python}}
              trainer: {{Path.Combine(AgentTestKit.Callback, "runlens_trainer.py")}}
            store: runs.db
            planner: rules
            llm:
              profile: local
              tools:
                base_url: {{server.BaseUrl}}
                model: coder
              generate_models: true
            evaluation:
              parallel: 2
            trainer:
              time_limit_seconds: 120
            """);
        File.WriteAllText(Path.Combine(dir.Path, "goal.yaml"), """
            goal: "reach accuracy 0.999 on iris"
            name: iris-llm-models
            target: {metric: accuracy, threshold: 0.999}
            dataset: sklearn:iris
            seeds: [1, 2]
            budget: {iterations: 2, runs: 10, wall_minutes: 10}
            start:
              model: {architecture: mlp, hidden: [16]}
              training: {optimizer: adam, learning_rate: 0.01, epochs: 2, batch_size: 16}
            """);
        var config = AgentTestKit.Read(configPath);
        var goal = GoalFile.Read(Path.Combine(dir.Path, "goal.yaml"), config);

        await using var session = await AgentSession.StartAsync(goal, config, null);
        var outcome = await session.RunAsync();

        var registry = RegistryFile.Read(Path.Combine(outcome.Project, RegistryFile.FileName));
        Assert.Equal(2, registry.Experiments.Length);

        // E001: the LLM's module passed its check and was trained; torch counts its parameters:
        // Linear(4, 7) + Linear(7, 3) = (4·7 + 7) + (7·3 + 3) = 59 on iris' four features and three classes.
        var first = registry.Experiments[0];
        Assert.Contains("class LlmNet", File.ReadAllText(Path.Combine(outcome.Project, first.ModelCode)), StringComparison.Ordinal);
        Assert.Equal(59, first.ModelSummary!.Parameters);
        Assert.All(first.Runs, r => Assert.Equal("finished", r.Status));
        Assert.NotNull(first.Evaluation);

        // E002: the LLM's module failed its check, so the template was checked and trained instead, and the log says so.
        var second = registry.Experiments[1];
        var code = File.ReadAllText(Path.Combine(outcome.Project, second.ModelCode));
        Assert.DoesNotContain("Broken", code, StringComparison.Ordinal);
        Assert.Contains("from the mlp template", code, StringComparison.Ordinal);
        Assert.NotNull(second.ModelSummary);
        Assert.All(second.Runs, r => Assert.Equal("finished", r.Status));
        var lines = AgentTestKit.LogLines(outcome.Project);
        var warning = Assert.Single(lines, l => (string?)l["event"] == "tool_result" && (string?)l["experiment"] == "E002" && ((string?)l["message"])!.Contains("failed its check", StringComparison.Ordinal));
        Assert.Contains("the scripted LLM wrote a forward that fails", (string?)warning["message"], StringComparison.Ordinal);
        Assert.Equal("warning", (string?)warning["level"]);

        // The tools' LLM was asked twice (the planner is rule-based), for JSON following the model-code schema, with the
        // model config in the prompt; each call is logged with its tokens.
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r =>
        {
            Assert.Equal("coder", (string?)r.Body["model"]);
            Assert.Equal(ModelCodeSchema.Name, (string?)r.Body["response_format"]!["json_schema"]!["name"]);
        });
        Assert.Contains("\"hidden\":[16]", (string)requests[0].Body["messages"]!.AsArray()[1]!["content"]!, StringComparison.Ordinal);
        Assert.Equal(2, lines.Count(l => (string?)l["event"] == "llm_call" && (string?)l["data"]!["role"] == "tools"));
    }
}
