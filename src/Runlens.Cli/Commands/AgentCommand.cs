using System.CommandLine;
using System.Globalization;
using System.Text;
using Runlens.Agent;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Loop;
using Runlens.Agent.Registry;
using Runlens.Pipeline.Settings;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens agent GOAL.yaml|"GOAL SENTENCE" [--config agent.yaml]</c>, <c>runlens agent status [DIR]</c>,
/// <c>runlens agent resume DIR</c>: the research loop of Runlens.Agent (docs/agent.md), hosted here.</summary>
internal static class AgentCommand
{
    public static Command Build()
    {
        var goal = new Argument<string>("goal") { Description = "A goal YAML file, or the goal as a sentence in quotes, e.g. \"reach macro-F1 0.95 on digits\"" };
        var config = ConfigOption();
        var sets = new Option<string[]>("--set") { Description = "Override a rule option for the runs' diagnoses, e.g. --set overfitting.min_rise=0.1 (rule options also come from ./runlens.yaml)" };
        var command = new Command("agent", "Work towards a goal: plan, train (over several seeds), evaluate, diagnose and refine until the goal is reached or the budget is spent; every experiment in registry.json, the store and a structured log.")
        {
            goal, config, sets,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (Load(parse.GetValue(config)) is not { } agentConfig || Rules(parse.GetValue(sets)) is not { } rules)
            {
                return ExitCodes.BadInput;
            }

            var text = parse.GetValue(goal)!;
            AgentGoal parsed;
            try
            {
                parsed = File.Exists(text) ? GoalFile.Read(text, agentConfig) : GoalFile.FromText(text, agentConfig);
            }
            catch (AgentInputException ex)
            {
                await Console.Error.WriteLineAsync("runlens agent: " + ex.Message);
                return ExitCodes.BadInput;
            }

            return await RunAsync(() => AgentSession.StartAsync(parsed, agentConfig, Console.Error, rules, ct), ct);
        });
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Resume());
        return command;
    }

    private static Option<string?> ConfigOption() => new("--config") { Description = "The agent config (YAML, docs/agent.md): paths, planner and LLM settings, retries, evaluation settings, trainer and limits, stop criteria, budget" };

    private static Command Resume()
    {
        var dir = new Argument<string>("dir") { Description = "The goal's project folder (it holds registry.json)" };
        var config = ConfigOption();
        config.Description = "The agent config (default: the project's copy, agent.yaml)";
        var command = new Command("resume", "Go on with a goal where it stopped: the next planned experiment of its registry.") { dir, config };
        command.SetAction(async (parse, ct) =>
        {
            AgentConfig? agentConfig = null;
            if (parse.GetValue(config) is { } file && (agentConfig = Load(file)) is null)
            {
                return ExitCodes.BadInput;
            }

            return Rules([]) is { } rules
                ? await RunAsync(() => AgentSession.ResumeAsync(parse.GetValue(dir)!, agentConfig, Console.Error, rules, ct), ct)
                : ExitCodes.BadInput;
        });
        return command;
    }

    private static Command Status()
    {
        var dir = new Argument<string?>("dir") { Description = "The goal's project folder (default: the newest project under the agent config's projects folder, or the current folder)", Arity = ArgumentArity.ZeroOrOne };
        var config = ConfigOption();
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, or json (the registry itself)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("status", "Show a goal's progress: its status, every experiment with its changes, metric and decision, and what comes next.") { dir, config, format };
        command.SetAction(async (parse, ct) =>
        {
            if (Load(parse.GetValue(config)) is not { } agentConfig)
            {
                return ExitCodes.BadInput;
            }

            var project = parse.GetValue(dir) ?? Newest(agentConfig);
            if (project is null)
            {
                await Console.Error.WriteLineAsync($"runlens agent: no project folder here or under {agentConfig.Projects}; give the folder `runlens agent` printed");
                return ExitCodes.BadInput;
            }

            try
            {
                var path = Path.Combine(project, RegistryFile.FileName);
                if (!File.Exists(path))
                {
                    throw new AgentInputException($"{project}: no {RegistryFile.FileName} here; give a project folder that `runlens agent` created");
                }

                var registry = RegistryFile.Read(path);
                if (parse.GetValue(format) == "json")
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await stdout.WriteAsync(await File.ReadAllBytesAsync(path, ct), ct);
                }
                else
                {
                    await Console.Out.WriteAsync(Describe(project, registry));
                }

                return ExitCodes.Ok;
            }
            catch (AgentInputException ex)
            {
                await Console.Error.WriteLineAsync("runlens agent: " + ex.Message);
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(Func<Task<AgentSession>> open, CancellationToken ct)
    {
        try
        {
            await using var session = await open();
            var outcome = await session.RunAsync(ct);
            await Console.Out.WriteAsync(Describe(outcome.Project, session.Registry));
            await Console.Out.WriteLineAsync($"log: {outcome.Log}");
            return ExitCodes.Ok;
        }
        catch (AgentInputException ex)
        {
            await Console.Error.WriteLineAsync("runlens agent: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("runlens agent: stopped; the registry holds every finished experiment, and `runlens agent resume DIR` goes on");
            return ExitCodes.BadInput;
        }
    }

    private static AgentConfig? Load(string? file)
    {
        try
        {
            return file is null ? AgentConfig.Default : AgentConfigFile.Read(file);
        }
        catch (AgentInputException ex)
        {
            Console.Error.WriteLine("runlens agent: " + ex.Message);
            return null;
        }
    }

    private static PipelineSettings? Rules(string[]? sets)
    {
        try
        {
            return SettingsLoader.Load(null, sets ?? []);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine("runlens agent: " + ex.Message);
            return null;
        }
    }

    private static string? Newest(AgentConfig config)
    {
        if (File.Exists(RegistryFile.FileName))
        {
            return ".";
        }

        return Directory.Exists(config.Projects)
            ? Directory.EnumerateDirectories(config.Projects).Where(d => File.Exists(Path.Combine(d, RegistryFile.FileName)))
                .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, RegistryFile.FileName))).FirstOrDefault()
            : null;
    }

    /// <summary>The registry for people: the goal, its status, one line per experiment, what comes next.</summary>
    internal static string Describe(string project, AgentRegistry r)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine($"goal      {r.Goal}");
        b.AppendLine($"target    {r.Target.Describe()} on {r.Dataset}, seeds {string.Join(", ", r.Seeds)}");
        b.AppendLine($"project   {project}");
        b.AppendLine($"status    {r.Status.Replace('_', ' ')}{(r.StopReason is null ? "" : ": " + r.StopReason)}");
        b.AppendLine(string.Create(inv, $"spent     {r.Experiments.Length} of {r.Budget.Iterations} experiments, {r.RunsUsed} of {r.Budget.Runs} runs, {r.SpentSeconds / 60:0.0} of {r.Budget.WallMinutes:G} minutes"));
        foreach (var e in r.Experiments)
        {
            var value = e.Evaluation?.Aggregated.GetValueOrDefault(r.Target.Metric) is { } m
                ? string.Create(inv, $"{r.Target.Metric} {m.Mean:0.0000}") + (m.Ci95 is { } ci ? string.Create(inv, $" [{ci[0]:0.0000}, {ci[1]:0.0000}]") : "")
                : "no result" + (e.Failure is null ? "" : ": " + e.Failure);
            var changes = e.Changes.Length == 0 ? "start" : string.Join(", ", e.Changes.Select(c => $"{c.Key} {ConfigKeys.Text(c.From)} → {ConfigKeys.Text(c.To)}"));
            b.AppendLine($"{e.Id}      {changes}: {value} → {e.Decision.Action}{(e.Decision.FellBack ? " (LLM fell back to the rules)" : "")}");
        }

        if (r.Next is { } next)
        {
            b.AppendLine($"next      {next.Id}: {next.Reason}");
        }

        return b.ToString();
    }
}
