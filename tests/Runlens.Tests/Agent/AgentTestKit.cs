using System.Text.Json.Nodes;
using Runlens.Agent.Configuration;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>Agent configs and goals for the tests: the quick command trainer (<c>Fixtures/quick_trainer.py</c>, a real
/// Python process writing real runlens.jsonl and predictions, no torch) or the reference PyTorch trainer.</summary>
internal static class AgentTestKit
{
    public static string QuickTrainer => Path.Combine(Fixtures.RepoRoot, "tests", "Runlens.Tests", "Agent", "Fixtures", "quick_trainer.py");

    public static string Callback => Path.Combine(Fixtures.RepoRoot, "clients", "python");

    /// <summary>An agent.yaml in <paramref name="dir"/> for the quick trainer (or its crashing variant), with its own store.</summary>
    /// <param name="trainerArgs">More arguments for the quick trainer (e.g. <c>"--hog-mb", "600"</c>), as YAML list items.</param>
    public static string QuickConfig(string dir, bool crash = false, string planner = "rules", string extra = "", string trainerArgs = "")
    {
        var path = Path.Combine(dir, "agent.yaml");
        File.WriteAllText(path, $$"""
            paths:
              projects: projects
              python: {{TorchFactAttribute.Python}}
            store: runs.db
            planner: {{planner}}
            evaluation:
              parallel: 3
            trainer:
              kind: command
              command: [{{TorchFactAttribute.Python}}, "{{QuickTrainer}}", --config, "{config}", --seed, "{seed}", --out, "{out}", --callback-dir, "{{Callback}}"{{(crash ? ", --crash" : "")}}{{(trainerArgs.Length > 0 ? ", " + trainerArgs : "")}}]
              time_limit_seconds: 60
            stop:
              patience: 3
              max_failures: 2
            {{extra}}
            """);
        return path;
    }

    /// <summary>A goal.yaml the quick trainer reaches (or cannot reach) from a bad start.</summary>
    public static string QuickGoal(string dir, double threshold = 0.9, int iterations = 8)
    {
        var path = Path.Combine(dir, "goal.yaml");
        File.WriteAllText(path, $$"""
            goal: "reach accuracy {{threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}} on the quick task"
            name: quick
            target:
              metric: accuracy
              threshold: {{threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
            dataset: sklearn:iris
            seeds: [1, 2, 3]
            budget:
              iterations: {{iterations}}
              runs: 100
              wall_minutes: 30
            start:
              training:
                learning_rate: 0.0001
                epochs: 1
            """);
        return path;
    }

    public static AgentConfig Read(string path) => AgentConfigFile.Read(path);

    /// <summary>Every line of every agent log of a project, parsed.</summary>
    public static List<JsonObject> LogLines(string project) =>
        [.. Directory.EnumerateFiles(Path.Combine(project, "logs"), "*.jsonl").SelectMany(File.ReadLines)
            .Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())];

    /// <summary>The only project folder under <paramref name="dir"/>/projects.</summary>
    public static string Project(string dir) => Assert.Single(Directory.GetDirectories(Path.Combine(dir, "projects")));
}
