using System.Text.Json;
using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>Every built-in template builds in torch for image-shaped and flat inputs, and the model check answers what
/// torch counts; a module that fails to build is one line, and a model too large for the memory limit fails the check.</summary>
public sealed class ModelTemplateTests
{
    [TorchFact]
    public async Task Every_template_passes_the_model_check_with_the_parameter_count_torch_gives()
    {
        using var dir = new TempDir();
        var config = AgentConfig.Default with { Python = TorchFactAttribute.Python, Trainer = AgentConfig.Default.Trainer with { Script = Path.Combine(AgentTestKit.Callback, "runlens_trainer.py") } };
        ProjectLayout.Scaffold(dir.Path);
        foreach (var (architecture, dataset, expected) in new[]
        {
            // parameters by hand: mlp 64→64→10 = 64·64+64 + 64·10+10; the others as torch counts them for these shapes
            ("mlp", "sklearn:digits", 64L * 64 + 64 + 64 * 10 + 10),
            ("cnn", "sklearn:digits", (1L * 16 * 9 + 16) + (16L * 32 * 9 + 32) + (32L * 10 + 10)),
            ("gru", "sklearn:iris", -1L),
            ("lstm", "sklearn:digits", 4L * (8 * 64 + 64 * 64 + 64 + 64) + 64 * 10 + 10),
            ("transformer", "sklearn:wine", -1L),
        })
        {
            var experiment = new ExperimentConfig(new DatasetConfig(dataset), ModelConfig.Default(architecture), new TrainingConfig("adam", 1e-3, 1, 32));
            var code = Path.Combine(dir.Path, "models", architecture + ".py");
            File.WriteAllText(code, ModelAssembler.Assemble(experiment.Model));
            var file = await ExperimentFile.WriteAsync(dir.Path, architecture, "corr", experiment, code, 4096);

            var (summary, failure, _) = await ModelCheck.RunAsync(config, dir.Path, file);

            Assert.True(summary is not null, $"{architecture}: {failure}");
            Assert.Equal(summary.NumClasses, summary.OutputShape[1]);
            Assert.Equal(summary.Parameters, summary.Layers.Sum(l => l.Parameters));
            if (architecture is "mlp" or "cnn" or "lstm")
            {
                Assert.Equal(expected, summary.Parameters);
            }
        }
    }

    [TorchFact]
    public async Task A_module_that_does_not_build_and_a_model_over_the_memory_limit_fail_the_check_with_one_line()
    {
        using var dir = new TempDir();
        var config = AgentConfig.Default with { Python = TorchFactAttribute.Python, Trainer = AgentConfig.Default.Trainer with { Script = Path.Combine(AgentTestKit.Callback, "runlens_trainer.py") } };
        ProjectLayout.Scaffold(dir.Path);
        var experiment = new ExperimentConfig(new DatasetConfig("sklearn:iris"), ModelConfig.Default("mlp"), new TrainingConfig("adam", 1e-3, 1, 32));
        var broken = Path.Combine(dir.Path, "models", "broken.py");
        File.WriteAllText(broken, "import torch\ndef build_model(config, input_shape, num_classes):\n    return torch.nn.Linear(input_shape[0], num_classes + 1)\n");
        var (summary, failure, _) = await ModelCheck.RunAsync(config, dir.Path, await ExperimentFile.WriteAsync(dir.Path, "broken", "corr", experiment, broken, 4096));
        Assert.Null(summary);
        Assert.Contains("the model's output has shape [4, 4]", failure, StringComparison.Ordinal);

        var huge = Path.Combine(dir.Path, "models", "huge.py");
        File.WriteAllText(huge, ModelAssembler.Assemble(experiment.Model with { Hidden = [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096] }));
        (summary, failure, _) = await ModelCheck.RunAsync(config, dir.Path, await ExperimentFile.WriteAsync(dir.Path, "huge", "corr", experiment, huge, 700));
        Assert.Null(summary);
        Assert.StartsWith("the model check failed (exit code 1):", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure!);
    }

    [Fact]
    public void The_assembled_code_writes_the_sizes_into_the_module()
    {
        var code = ModelAssembler.Assemble(new ModelConfig("mlp", Hidden: [128, 32], Dropout: 0.25));
        Assert.Contains("HIDDEN = [128, 32]", code, StringComparison.Ordinal);
        Assert.Contains("DROPOUT = 0.25", code, StringComparison.Ordinal);
        Assert.Contains("def build_model(config, input_shape, num_classes):", code, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", code, StringComparison.Ordinal);
        Assert.Equal(code, ModelAssembler.Assemble(new ModelConfig("mlp", Hidden: [128, 32], Dropout: 0.25)));
        _ = JsonSerializer.Serialize(new ModelConfig("gru", HiddenSize: 8, Layers: 2), AgentJson.Line.ModelConfig);
        Assert.Contains("nn.GRU(", ModelAssembler.Assemble(ModelConfig.Default("gru")), StringComparison.Ordinal);
        Assert.Contains("nn.LSTM(", ModelAssembler.Assemble(ModelConfig.Default("lstm")), StringComparison.Ordinal);
    }
}
