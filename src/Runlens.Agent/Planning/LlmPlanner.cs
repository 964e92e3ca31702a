using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Llm;
using Runlens.Agent.Logging;
using Runlens.Agent.Registry;

namespace Runlens.Agent.Planning;

/// <summary>
/// The LLM planner: asks the planning LLM for the next step with the goal, the registry so far and the last diagnosis
/// JSON (<see cref="PlanPrompt"/>), as structured JSON following <see cref="PlanSchema"/>. An answer is checked against
/// the schema and then against what the agent knows (keys and ranges, an experiment to start from that exists, a
/// configuration not tried yet, no goal declared achieved that the evaluator did not confirm); an invalid answer is asked
/// for again with the reason, up to <see cref="RetrySettings.InvalidAnswers"/> times. When the LLM stays unavailable or
/// keeps answering invalid plans, the rule-based planner decides and the log says so. Whether the goal is reached is
/// the evaluator's fact, not the LLM's opinion: the LLM is not asked then.
/// </summary>
public sealed class LlmPlanner(LlmClient client, AgentLog log, RetrySettings retry) : IPlanner
{
    public const string Name = "llm";

    private static readonly JsonSchema Schema = JsonSchema.FromText(PlanSchema.Text);

    public async Task<Plan> PlanAsync(PlanningContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rules = RuleBasedPlanner.Decide(context);
        if (rules.Action == PlanAction.GoalAchieved)
        {
            return rules;
        }

        var system = PlanPrompt.System();
        var user = PlanPrompt.User(context);
        string? problem = null;
        for (var attempt = 0; attempt <= retry.InvalidAnswers; attempt++)
        {
            var ask = problem is null ? user : user + "\n\nYour previous answer was not a valid plan: " + problem + ". Answer again with a valid plan.";
            LlmAnswer answer;
            try
            {
                answer = await client.CompleteJsonAsync(system, ask, PlanSchema.Name, PlanSchema.Text, context.NextId, cancellationToken).ConfigureAwait(false);
            }
            catch (LlmUnavailableException ex)
            {
                return Fallback(context, rules, ex.Message);
            }

            var (plan, why) = Validate(context, answer.Text);
            if (plan is not null)
            {
                log.Info("plan", $"the planning LLM decided: {plan.ActionName}: {plan.Reason}", context.NextId, data: new JsonObject { ["planner"] = Name, ["action"] = plan.ActionName });
                return plan;
            }

            problem = why;
            log.Warning("llm_invalid_answer", $"the planning LLM's answer is not a valid plan ({why}){(attempt < retry.InvalidAnswers ? "; asking again" : "")}", context.NextId,
                data: new JsonObject { ["attempt"] = attempt + 1, ["problem"] = why, ["answer"] = answer.Text.Length > 2000 ? answer.Text[..2000] : answer.Text });
        }

        return Fallback(context, rules, $"its answer was not a valid plan ({problem})");
    }

    /// <summary>The plan in an answer, or why it is not a valid one.</summary>
    public static (Plan? Plan, string? Problem) Validate(PlanningContext context, string text)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonElement json;
        try
        {
            using var doc = JsonDocument.Parse(text);
            json = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, "not JSON: " + ex.Message);
        }

        var result = Schema.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}")).Distinct().Take(3);
            return (null, "it does not follow the plan schema: " + string.Join("; ", errors));
        }

        var node = JsonNode.Parse(text)!.AsObject();
        var action = (string)node["action"]!;
        var reason = (string)node["reason"]!;
        switch (action)
        {
            case "goal_achieved":
                return (null, $"goal_achieved, but the evaluator says {context.Last.Id} does not reach the goal ({context.Goal.Target.Describe()})");
            case "stop":
                return (new Plan(PlanAction.Stop, reason, null, null, [], Name), null);
        }

        var baseId = (string?)node["base"] ?? context.Best?.Id ?? context.Last.Id;
        if (context.Experiments.FirstOrDefault(e => e.Id == baseId) is not { } baseExp)
        {
            return (null, $"base {baseId} is not an experiment of the registry ({string.Join(", ", context.Experiments.Select(e => e.Id))})");
        }

        var changes = node["changes"]!.AsArray();
        if (changes.Count == 0)
        {
            return (null, "refine needs at least one change");
        }

        var config = baseExp.Config;
        var edits = new List<ConfigEditRecord>();
        foreach (var change in changes.Select(x => x!.AsObject()))
        {
            var key = (string)change["key"]!;
            try
            {
                var before = ConfigKeys.Get(config, key);
                config = ConfigKeys.With(config, key, change["value"]?.DeepClone());
                edits.Add(new ConfigEditRecord(key, before?.DeepClone(), ConfigKeys.Get(config, key), (string)change["why"]!));
            }
            catch (FormatException ex)
            {
                return (null, ex.Message);
            }
        }

        try
        {
            config = ConfigKeys.Validate(config);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }

        var key2 = RuleBasedPlanner.Key(config);
        if (context.Experiments.FirstOrDefault(e => RuleBasedPlanner.Key(e.Config) == key2) is { } same)
        {
            return (null, $"that configuration was tried already in {same.Id}");
        }

        return (new Plan(PlanAction.Refine, reason, config, baseExp.Id, [.. edits], Name), null);
    }

    private Plan Fallback(PlanningContext context, Plan rules, string why)
    {
        log.Warning("llm_fallback", $"the LLM planner gave no plan: {why}; the rule-based planner decides", context.NextId,
            data: new JsonObject { ["cause"] = why, ["action"] = rules.ActionName });
        return rules with { FellBack = true, Reason = $"The LLM planner gave no plan ({why}), so the rule-based planner decided: {rules.Reason}" };
    }
}
