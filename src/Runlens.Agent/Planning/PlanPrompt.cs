using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;
using Runlens.Reports;

namespace Runlens.Agent.Planning;

/// <summary>
/// The planning LLM's prompt (seed 003 §3.2): a short system message with the task, the keys a plan may change and their
/// ranges; and a user message with the goal, the registry so far (each experiment's configuration, changes, metrics
/// with intervals, diagnosis digest and decision), the comparison and impact figures, and the last experiment's full
/// diagnosis JSON (the lead seed's, <c>runlens.diagnosis</c> as <c>runlens analyze --format json</c> writes it).
/// </summary>
public static class PlanPrompt
{
    public static string System()
    {
        var b = new StringBuilder();
        b.AppendLine("You plan machine-learning experiments for Runlens' research agent. After each experiment you decide what to do next from the goal, the registry of experiments so far and the last diagnosis.");
        b.AppendLine("Answer with one JSON object: {\"action\": \"refine\" | \"goal_achieved\" | \"stop\", \"reason\": one or two sentences, \"base\": the id of the experiment whose configuration the next one changes (or null), \"changes\": [{\"key\", \"value\", \"why\"}]}.");
        b.AppendLine("For refine, give at least one change; each why is one sentence naming the finding or figure behind it. Declare goal_achieved only when the registry's evaluation says the goal is achieved. Do not propose a configuration that was tried already.");
        b.AppendLine("Keys you may change, and their ranges:");
        foreach (var (key, range) in ConfigKeys.All)
        {
            b.Append("- ").Append(key).Append(": ").AppendLine(range);
        }

        return b.ToString();
    }

    public static string User(PlanningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var c = context;
        var g = c.Goal;
        var doc = new JsonObject
        {
            ["goal"] = new JsonObject
            {
                ["text"] = g.Text,
                ["target"] = g.Target.Describe(),
                ["metric"] = g.Target.Metric,
                ["threshold"] = g.Target.Threshold,
                ["greater_is_better"] = g.Target.GreaterIsBetter,
                ["dataset"] = g.Dataset,
                ["seeds"] = new JsonArray([.. g.Seeds.Select(s => (JsonNode?)s)]),
                ["budget"] = new JsonObject { ["iterations"] = g.Budget.Iterations, ["runs"] = g.Budget.Runs, ["wall_minutes"] = g.Budget.WallMinutes },
                ["iterations_used"] = c.Experiments.Count,
            },
            ["next_experiment_id"] = c.NextId,
            ["registry"] = new JsonArray([.. c.Experiments.Select(e => (JsonNode?)Experiment(e, g.Target.Metric))]),
            ["best_experiment"] = c.Best?.Id,
        };
        if (c.Last.Comparison is { } comparison)
        {
            doc["comparison"] = JsonSerializer.SerializeToNode(comparison, AgentJson.Line.ComparisonDigest);
        }

        if (c.Last.Impact is { } impact)
        {
            doc["impact"] = JsonSerializer.SerializeToNode(impact, AgentJson.Line.ImpactDigest);
        }

        var diagnoses = c.DiagnosesOf(c.Last.Id);
        if (diagnoses.Count > 0)
        {
            var lead = c.Last.Evaluation?.BestSeed is { } b && diagnoses.TryGetValue(b, out var d) ? d : diagnoses.OrderBy(kv => kv.Key).First().Value;
            using var stream = new MemoryStream();
            Renderers.For("json").Render([lead], stream);
            doc["last_diagnosis"] = JsonNode.Parse(stream.ToArray());
        }

        return doc.ToJsonString(AgentJson.Line.Options);
    }

    private static JsonObject Experiment(ExperimentRecord e, string metric)
    {
        var o = new JsonObject
        {
            ["id"] = e.Id,
            ["base"] = e.Base,
            ["config"] = JsonSerializer.SerializeToNode(e.Config, AgentJson.Line.ExperimentConfig),
            ["changes"] = JsonSerializer.SerializeToNode(e.Changes, AgentJson.Line.ImmutableArrayConfigEditRecord),
            ["failure"] = e.Failure,
        };
        if (e.Evaluation is { } ev)
        {
            o["evaluation"] = new JsonObject
            {
                ["goal_value"] = ev.GoalValue,
                ["goal_achieved"] = ev.GoalAchieved,
                [metric] = ev.Aggregated.TryGetValue(metric, out var m) ? JsonSerializer.SerializeToNode(m, AgentJson.Line.MetricInterval) : null,
                ["accuracy"] = ev.Aggregated.TryGetValue("accuracy", out var a) ? JsonSerializer.SerializeToNode(a, AgentJson.Line.MetricInterval) : null,
            };
        }

        if (e.Diagnosis is { } d)
        {
            o["diagnosis"] = JsonSerializer.SerializeToNode(d, AgentJson.Line.DiagnosisDigest);
        }

        o["decision"] = JsonSerializer.SerializeToNode(e.Decision, AgentJson.Line.DecisionRecord);
        return o;
    }
}
