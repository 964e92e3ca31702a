using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Llm;
using Runlens.Agent.Logging;
using Runlens.Agent.Planning;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Resolution;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The LLM planner against a real OpenAI-compatible server on 127.0.0.1 that answers from a script (only the
/// answers are scripted; the OpenAI client, HTTP, retries and validation are real): what the prompt carries, a good
/// plan, malformed answers, a 429 with Retry-After, a time-out and an unreachable endpoint, and each fallback.</summary>
public sealed class LlmPlannerTests
{
    private const string GoodPlan = """{"action": "refine", "reason": "The loss barely moved: raise the learning rate and train longer.", "base": "E001", "changes": [{"key": "learning_rate", "value": 0.001, "why": "lr-too-low: the training loss fell only 5%"}, {"key": "epochs", "value": 4, "why": "not-converged: still improving at the end"}]}""";

    [Fact]
    public async Task A_good_plan_is_taken_and_the_prompt_carries_the_goal_the_registry_and_the_last_diagnosis()
    {
        await using var server = await ScriptedChatServer.StartAsync(new ScriptedChatServer.Reply(GoodPlan));
        using var dir = new TempDir();
        var (planner, log) = Planner(server.BaseUrl, dir);
        var context = await ContextAsync();

        var plan = await planner.PlanAsync(context);
        log.Dispose();

        Assert.Equal(PlanAction.Refine, plan.Action);
        Assert.Equal("llm", plan.Planner);
        Assert.False(plan.FellBack);
        Assert.Equal(0.001, plan.Next!.Training.LearningRate);
        Assert.Equal(4, plan.Next.Training.Epochs);
        Assert.Equal("E001", plan.Base);
        Assert.Equal(["learning_rate", "epochs"], plan.Changes.Select(c => c.Key).ToArray());
        Assert.Equal(0.0001, plan.Changes[0].From!.GetValue<double>());

        var request = Assert.Single(server.Requests).Body;
        Assert.Equal("planner-model", (string?)request["model"]);
        Assert.Equal("json_schema", (string?)request["response_format"]!["type"]);
        Assert.Equal(PlanSchema.Name, (string?)request["response_format"]!["json_schema"]!["name"]);
        var messages = request["messages"]!.AsArray();
        var system = (string)messages[0]!["content"]!;
        Assert.Contains("learning_rate", system, StringComparison.Ordinal);
        Assert.Contains("model.architecture", system, StringComparison.Ordinal);
        var user = JsonNode.Parse((string)messages[1]!["content"]!)!;
        Assert.Equal(context.Goal.Text, (string?)user["goal"]!["text"]);
        Assert.Equal(0.9, (double)user["goal"]!["threshold"]!);
        Assert.Equal("E001", (string?)user["registry"]![0]!["id"]);
        Assert.Equal(0.0001, (double)user["registry"]![0]!["config"]!["training"]!["learning_rate"]!);
        Assert.Equal(0.5, (double)user["registry"]![0]!["evaluation"]!["goal_value"]!);
        Assert.Equal("E002", (string?)user["next_experiment_id"]);
        Assert.StartsWith("runlens.diagnosis/", (string?)user["last_diagnosis"]!["schema"], StringComparison.Ordinal);
        Assert.NotNull(user["last_diagnosis"]!["findings"]);

        var call = Assert.Single(Lines(dir), l => (string?)l["event"] == "llm_call");
        Assert.Equal(1200, (int)call["data"]!["input_tokens"]!);
        Assert.Equal(80, (int)call["data"]!["output_tokens"]!);
        Assert.Equal("corr-test", (string?)call["correlation_id"]);
    }

    [Fact]
    public async Task A_malformed_answer_is_asked_again_with_the_reason_and_a_good_second_answer_is_taken()
    {
        await using var server = await ScriptedChatServer.StartAsync(new ScriptedChatServer.Reply("{\"action\": \"refine\", \"reason\": "), new ScriptedChatServer.Reply(GoodPlan));
        using var dir = new TempDir();
        var (planner, log) = Planner(server.BaseUrl, dir);

        var plan = await planner.PlanAsync(await ContextAsync());
        log.Dispose();

        Assert.Equal("llm", plan.Planner);
        Assert.False(plan.FellBack);
        Assert.Equal(2, server.Requests.Count);
        var second = (string)server.Requests.ElementAt(1).Body["messages"]!.AsArray()[1]!["content"]!;
        Assert.Contains("Your previous answer was not a valid plan: not JSON", second, StringComparison.Ordinal);
        Assert.Single(Lines(dir), l => (string?)l["event"] == "llm_invalid_answer");
    }

    [Fact]
    public async Task Answers_that_stay_invalid_make_the_rule_based_planner_decide_and_the_log_says_so()
    {
        const string unknownKey = """{"action": "refine", "reason": "more layers", "base": "E001", "changes": [{"key": "model.depth", "value": 4, "why": "deeper is better"}]}""";
        await using var server = await ScriptedChatServer.StartAsync(new ScriptedChatServer.Reply("not json at all"), new ScriptedChatServer.Reply(unknownKey));
        using var dir = new TempDir();
        var (planner, log) = Planner(server.BaseUrl, dir);
        var context = await ContextAsync();

        var plan = await planner.PlanAsync(context);
        log.Dispose();

        Assert.True(plan.FellBack);
        Assert.Equal("rules", plan.Planner);
        var rules = RuleBasedPlanner.Decide(context);
        Assert.Equal(RuleBasedPlanner.Key(rules.Next!), RuleBasedPlanner.Key(plan.Next!));
        Assert.Contains("unknown config key 'model.depth'", plan.Reason, StringComparison.Ordinal);
        var lines = Lines(dir);
        Assert.Equal(2, lines.Count(l => (string?)l["event"] == "llm_invalid_answer"));
        var fallback = Assert.Single(lines, l => (string?)l["event"] == "llm_fallback");
        Assert.Equal("warning", (string?)fallback["level"]);
        Assert.Contains("the rule-based planner decides", (string?)fallback["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_wait_it_asks_for()
    {
        await using var server = await ScriptedChatServer.StartAsync(new ScriptedChatServer.Reply(Status: 429, RetryAfterSeconds: 2), new ScriptedChatServer.Reply(GoodPlan));
        using var dir = new TempDir();
        var (planner, log) = Planner(server.BaseUrl, dir, backoff: 0.05);

        var plan = await planner.PlanAsync(await ContextAsync());
        log.Dispose();

        Assert.Equal("llm", plan.Planner);
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(1.9), $"waited {(requests[1].At - requests[0].At).TotalSeconds} s");
        var retry = Assert.Single(Lines(dir), l => (string?)l["event"] == "llm_retry");
        Assert.Contains("HTTP 429, Retry-After 2 s", (string?)retry["message"], StringComparison.Ordinal);
        Assert.Equal(2.0, (double)retry["data"]!["delay_seconds"]!);
    }

    [Fact]
    public async Task Time_outs_on_every_try_make_the_rule_based_planner_decide()
    {
        var slow = new ScriptedChatServer.Reply(GoodPlan, Delay: TimeSpan.FromSeconds(10));
        await using var server = await ScriptedChatServer.StartAsync(slow, slow);
        using var dir = new TempDir();
        var (planner, log) = Planner(server.BaseUrl, dir, timeout: 0.5, attempts: 2, backoff: 0.05);
        var watch = Stopwatch.StartNew();

        var plan = await planner.PlanAsync(await ContextAsync());
        log.Dispose();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed.TotalSeconds} s");
        Assert.True(plan.FellBack);
        Assert.Equal(2, server.Requests.Count);
        var lines = Lines(dir);
        Assert.Contains("no answer within 0.5 s (llm.planning.timeout_seconds)", (string?)Assert.Single(lines, l => (string?)l["event"] == "llm_retry")["message"], StringComparison.Ordinal);
        Assert.Single(lines, l => (string?)l["event"] == "llm_unavailable");
        Assert.Single(lines, l => (string?)l["event"] == "llm_fallback");
        Assert.Contains("gave no answer after 2 tries", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_one_clear_line_and_the_rule_based_planner_decides()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var dir = new TempDir();
        var console = new StringWriter();
        var log = new AgentLog(Path.Combine(dir.Path, "log.jsonl"), "corr-test", console);
        var planner = new LlmPlanner(new LlmClient("planning", new LlmRoleSettings($"http://127.0.0.1:{port}/v1", "planner-model", null, 5), new RetrySettings(2, 0.05, 1, 1, 1), log),
            log, new RetrySettings(2, 0.05, 1, 1, 1));

        var plan = await planner.PlanAsync(await ContextAsync());
        log.Dispose();

        Assert.True(plan.FellBack);
        var fallback = console.ToString().Split('\n').Single(l => l.Contains("the rule-based planner decides", StringComparison.Ordinal));
        Assert.Contains($"http://127.0.0.1:{port}/v1", fallback, StringComparison.Ordinal);
        Assert.Contains("could not connect", fallback, StringComparison.Ordinal);
    }

    private static (LlmPlanner Planner, AgentLog Log) Planner(string url, TempDir dir, double timeout = 30, int attempts = 3, double backoff = 0.05)
    {
        var log = new AgentLog(Path.Combine(dir.Path, "log.jsonl"), "corr-test", null);
        var retry = new RetrySettings(attempts, backoff, 10, 1, 1);
        return (new LlmPlanner(new LlmClient("planning", new LlmRoleSettings(url, "planner-model", null, timeout), retry, log), log, retry), log);
    }

    private static List<JsonObject> Lines(TempDir dir) =>
        [.. File.ReadLines(Path.Combine(dir.Path, "log.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())];

    /// <summary>One finished experiment whose run is a real example run (Lightning's MNIST CNN), diagnosed by the pipeline.</summary>
    internal static async Task<PlanningContext> ContextAsync()
    {
        var imported = await ImporterCatalog.ImportAsync(Fixtures.Example("lightning-csv-mnist-cnn"), ImportContext.None);
        var diagnosis = new DiagnosisService().Diagnose(new ResolvedRun(imported.Runs[0]));
        var diagnoses = new Dictionary<int, Diagnosis> { [1] = diagnosis };
        var goal = new AgentGoal("reach accuracy 0.9 on iris", "iris", new GoalTarget("accuracy", true, 0.9, JudgedOn.Mean), "sklearn:iris", [1, 2, 3], AgentBudget.Default);
        var config = new ExperimentConfig(new DatasetConfig("sklearn:iris"), ModelConfig.Default("mlp"), new TrainingConfig("adam", 1e-4, 1, 32));
        var evaluation = new EvaluationRecord(3, System.Collections.Immutable.ImmutableSortedDictionary<string, MetricInterval>.Empty.Add("accuracy", new MetricInterval(0.5, 0.01, 0.49, 0.51, [0.475, 0.525], [0.49, 0.5, 0.51])),
            2, "accuracy", 0.5, false, []);
        var record = new ExperimentRecord("E001", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, config, null, [], "start", "start", "models/E001.py", null, [],
            evaluation, SeedDiagnoses.Digest(diagnoses, 1), null, null, true, new DecisionRecord("refine", "", "rules", false, null), null);
        return new PlanningContext(goal, AgentConfig.Default, [record], new Dictionary<string, IReadOnlyDictionary<int, Diagnosis>> { ["E001"] = diagnoses }, null, null, "E002");
    }
}
