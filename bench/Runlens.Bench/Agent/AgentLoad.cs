using System.Globalization;
using System.Text.Json.Nodes;
using Runlens.Agent.Configuration;
using Runlens.Agent.Goals;
using Runlens.Agent.Loop;

namespace Runlens.Bench.Agent;

/// <summary>
/// <c>agent [ITERATIONS]</c>: the agent's own work per iteration. Runs the digits example (examples/agent-digits: the
/// reference PyTorch trainer on the CPU from its bad start, rule-based planner) in a temporary folder, then prints, per
/// experiment, the time spent training (three seeds), in the model check (a Python child process importing torch) and in
/// the agent's own work — assembling the model, evaluating the three seeds' predictions, diagnosing each run, comparing
/// the experiments (and impact once there are 10 runs), planning, writing the registry and storing the runs — read from
/// the agent log's <c>experiment_finished</c> lines.
/// </summary>
internal static class AgentLoad
{
    public static async Task<int> RunAsync(int iterations)
    {
        var repo = FindRepo();
        var example = Path.Combine(repo, "examples", "agent-digits");
        var temp = Directory.CreateTempSubdirectory("runlens-bench-agent-").FullName;
        try
        {
            var yaml = File.ReadAllText(Path.Combine(example, "agent.yaml")).Replace("../../agent-projects", temp, StringComparison.Ordinal);
            var configPath = Path.Combine(temp, "agent.yaml");
            File.WriteAllText(configPath, yaml);
            var config = AgentConfigFile.Read(configPath);
            config = config with { Trainer = config.Trainer with { Script = Path.Combine(repo, "clients", "python", "runlens_trainer.py") } };
            var goal = GoalFile.Read(Path.Combine(example, "goal.yaml"), config);
            goal = goal with { Budget = goal.Budget with { Iterations = iterations, WallMinutes = 60 } };
            await using var session = await AgentSession.StartAsync(goal, config, null);

            // The session's loop, step by step, to read this process's CPU time while the experiment is judged (the
            // Python children train in other processes; the seeds' analyses run in this one during training).
            var cpu = new List<double>();
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            while (session.Registry.Status == Runlens.Agent.Registry.AgentRegistry.Running && session.Registry.Next is { } next)
            {
                var result = await session.RunExperimentAsync(next);
                self.Refresh();
                var before = self.TotalProcessorTime;
                await session.ConcludeAsync(result);
                self.Refresh();
                cpu.Add((self.TotalProcessorTime - before).TotalSeconds);
            }

            var outcome = await session.RunAsync();
            var lines = File.ReadLines(outcome.Log).Select(l => JsonNode.Parse(l)!.AsObject()).Where(l => (string?)l["event"] == "experiment_finished").ToList();
            Console.WriteLine($"runlens agent on examples/agent-digits ({outcome.Status.Replace('_', ' ')} after {outcome.Experiments} experiments; rule-based planner; 3 seeds per experiment, 2 at once)");
            Console.WriteLine("experiment  training (3 seeds)  model check  agent's own work (CPU judging)  (seeds evaluated and diagnosed as they finished, mostly while others trained)");
            var own = new List<double>();
            foreach (var (l, i) in lines.Select((l, i) => (l, i)))
            {
                var d = l["data"]!;
                var agent = (double)d["seconds_agent"]!;
                own.Add(agent);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(string?)l["experiment"],-10}  {(double)d["seconds_training"]!,15:0.00} s  {(double)d["seconds_model_check"]!,9:0.00} s  {agent,14:0.000} s ({(i < cpu.Count ? cpu[i] : double.NaN),5:0.000} s)  ({(double?)d["seconds_seed_analysis"] ?? 0,0:0.000} s)"));
            }

            // Where the agent's own work goes, per experiment: the seconds each step logs.
            var all = File.ReadLines(outcome.Log).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Console.WriteLine("experiment  assemble  evaluate  diagnose   compare      plan     store  (seconds of the agent's own work)");
            foreach (var id in lines.Select(l => (string?)l["experiment"]))
            {
                double Step(string @event, string? tool) => all.Where(l => (string?)l["experiment"] == id && (string?)l["event"] == @event && (string?)l["tool"] == tool)
                    .Sum(l => l["data"]?["seconds"] is JsonValue v ? (double)v : 0);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{id,-10}  {Step("tool_result", "model_assembler"),8:0.000}  {Step("tool_result", "quick_evaluator"),8:0.000}  {Step("tool_result", "diagnosis"),8:0.000}  {Step("tool_result", "comparison"),8:0.000}  {Step("plan", null),8:0.000}  {Step("tool_result", "store"),8:0.000}"));
            }

            var later = own.Skip(1).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"agent's own work per iteration: first {own.FirstOrDefault():0.000} s (includes compiling the code paths), later iterations median {(later.Count == 0 ? double.NaN : later[later.Count / 2]):0.000} s, max {(later.Count == 0 ? double.NaN : later.Max()):0.000} s; target < 1 s"));
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"this process (the agent, not its Python children): {self.TotalProcessorTime.TotalSeconds:0.00} s CPU (user {self.UserProcessorTime.TotalSeconds:0.00} s); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runlens.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
