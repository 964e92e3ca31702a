using System.Text.Json.Nodes;
using Runlens.Agent;
using Runlens.Agent.Experiments;
using Runlens.Agent.Goals;
using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The configuration keys every planner uses, and registry.json's round trip and atomic replacement.</summary>
public sealed class ConfigAndRegistryTests
{
    private static readonly ExperimentConfig Mlp = new(new DatasetConfig("sklearn:digits"), ModelConfig.Default("mlp"), new TrainingConfig("adam", 1e-3, 10, 32));

    [Fact]
    public void Keys_change_one_value_each_and_refuse_values_out_of_range_or_for_another_architecture()
    {
        var c = ConfigKeys.With(Mlp, "model.hidden", new JsonArray(128, 64));
        Assert.Equal([128, 64], c.Model.Hidden!.Value.ToArray());
        Assert.Equal(0.01, ConfigKeys.With(c, "learning_rate", 0.01).Training.LearningRate);
        Assert.Equal("[128, 64]", ConfigKeys.Text(ConfigKeys.Get(c, "model.hidden")));
        Assert.Contains("out of range", Assert.Throws<FormatException>(() => ConfigKeys.With(Mlp, "epochs", 2.5)).Message, StringComparison.Ordinal);
        Assert.Contains("applies to cnn", Assert.Throws<FormatException>(() => ConfigKeys.With(Mlp, "model.channels", new JsonArray(8))).Message, StringComparison.Ordinal);
        Assert.Contains("unknown config key", Assert.Throws<FormatException>(() => ConfigKeys.With(Mlp, "momentum", 0.9)).Message, StringComparison.Ordinal);

        var transformer = ConfigKeys.With(Mlp with { Model = Mlp.Model with { Dropout = 0.1 } }, "model.architecture", "transformer");
        Assert.Equal(Runlens.Agent.Planning.RuleBasedPlanner.Key(transformer with { Model = ModelConfig.Default("transformer") with { Dropout = 0.1 } }), Runlens.Agent.Planning.RuleBasedPlanner.Key(transformer));
        Assert.Throws<FormatException>(() => ConfigKeys.Validate(ConfigKeys.With(transformer, "model.heads", 3)));
    }

    [Fact]
    public async Task The_registry_reads_back_what_was_written_and_a_write_leaves_no_temporary_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, RegistryFile.FileName);
        var registry = new AgentRegistry(AgentRegistry.SchemaName, "reach accuracy 0.9 on iris", "iris", "c0ffee", new GoalTarget("accuracy", true, 0.9, JudgedOn.Ci95Bound),
            "sklearn:iris", [1, 2], AgentBudget.Default, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, AgentRegistry.Running, null, 0, [],
            new PlannedExperiment("E001", Mlp, null, [new ConfigEditRecord("learning_rate", 1e-4, 1e-3, "why")], "start", "start"));

        await RegistryFile.WriteAsync(path, registry);
        await RegistryFile.WriteAsync(path, registry with { SpentSeconds = double.NaN });

        var back = RegistryFile.Read(path);
        Assert.Equal(1e-3, back.Next!.Changes[0].To!.GetValue<double>());
        Assert.True(double.IsNaN(back.SpentSeconds));
        Assert.Equal(JudgedOn.Ci95Bound, back.Target.JudgedOn);
        Assert.Equal(Planning(Mlp), Planning(back.Next!.Config));
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("runlens.agent-registry/v1", (string?)json["schema"]);
        Assert.Equal("ci95_bound", (string?)json["target"]!["judged_on"]);
        Assert.Equal("NaN", (string?)json["spent_seconds"]);
        Assert.Null(json["stop_reason"]);
        Assert.True(json.AsObject().ContainsKey("stop_reason"));
        Assert.Equal(["registry.json", "registry.json.lock"], Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void A_file_that_is_not_a_registry_is_one_line()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, RegistryFile.FileName);
        File.WriteAllText(path, "{\"schema\": \"runlens.diagnosis/v2\"}");
        Assert.StartsWith($"{path}: not a registry of `runlens agent`", Assert.Throws<AgentInputException>(() => RegistryFile.Read(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"schema\": \"runlens.agent-registry/v1\", \"goal\": ");
        Assert.Contains("restore it from a copy", Assert.Throws<AgentInputException>(() => RegistryFile.Read(path)).Message, StringComparison.Ordinal);
    }

    private static string Planning(ExperimentConfig c) => Runlens.Agent.Planning.RuleBasedPlanner.Key(c);
}
