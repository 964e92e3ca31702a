using Runlens.Agent.Configuration;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;
using Runlens.Agent.Tools;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>
/// The memory limits, enforced from outside the child on the resident memory of its whole process tree: generated model
/// code that lifts the address-space limit the trainer set on itself and fills memory is stopped at
/// <c>trainer.max_memory_mb</c>; a training run that fills memory past <c>limits.memory_mb</c> is stopped while the
/// experiment's other seeds, under the same limit, finish; each says why in one line.
/// </summary>
public sealed class AgentMemoryLimitTests
{
    [TorchFact]
    public async Task Generated_code_that_lifts_its_own_limit_and_fills_memory_is_stopped_at_the_check_limit_with_one_line()
    {
        using var dir = new TempDir();
        var config = AgentConfig.Default with
        {
            Python = TorchFactAttribute.Python,
            Trainer = AgentConfig.Default.Trainer with { Script = Path.Combine(AgentTestKit.Callback, "runlens_trainer.py"), MaxMemoryMb = 1024 },
        };
        ProjectLayout.Scaffold(dir.Path);
        var experiment = new ExperimentConfig(new DatasetConfig("sklearn:iris"), ModelConfig.Default("mlp"), new TrainingConfig("adam", 1e-3, 1, 32));
        var code = Path.Combine(dir.Path, "models", "greedy.py");
        File.WriteAllText(code, """
            import resource, time
            import torch
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))  # undoes the limit the trainer set on itself
            _kept = []
            for _ in range(96):  # 3 GiB at most, should nothing stop it
                _kept.append(bytearray(b"x") * (32 << 20))
                time.sleep(0.02)
            def build_model(config, input_shape, num_classes):
                return torch.nn.Linear(input_shape[0], num_classes)
            """);

        var (summary, failure, elapsed) = await ModelCheck.RunAsync(config, dir.Path, await ExperimentFile.WriteAsync(dir.Path, "greedy", "corr", experiment, code, 1024));

        Assert.Null(summary);
        Assert.StartsWith("the model check ran out of memory: its processes held ", failure, StringComparison.Ordinal);
        Assert.EndsWith("MB resident, past the limit of 1024 MB (trainer.max_memory_mb); it was stopped", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure!);
        var held = int.Parse(failure!["the model check ran out of memory: its processes held ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(held, 1025, 2047); // stopped soon after the limit, well before the 3 GiB the code asks for
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"the check ran {elapsed}");
    }

    [TorchFact]
    public async Task A_training_run_that_fills_memory_past_limits_memory_mb_is_stopped_and_recorded_while_the_others_finish()
    {
        using var dir = new TempDir();
        AgentTestKit.QuickConfig(dir.Path, extra: "limits:\n  memory_mb: 200", trainerArgs: "--hog-mb, \"1600\", --hog-seed, \"2\"");
        AgentTestKit.QuickGoal(dir.Path, iterations: 1);
        var r = await RunlensProcess.RunInAsync(dir.Path, "agent", "goal.yaml", "--config", "agent.yaml");

        Assert.Equal(0, r.ExitCode);
        var project = AgentTestKit.Project(dir.Path);
        var registry = RegistryFile.Read(Path.Combine(project, RegistryFile.FileName));
        var e = Assert.Single(registry.Experiments);
        var hog = Assert.Single(e.Runs, run => run.Seed == 2);
        Assert.Equal("failed", hog.Status);
        Assert.StartsWith("out of memory: its processes held ", hog.Failure, StringComparison.Ordinal);
        Assert.EndsWith("MB resident, past the limit of 200 MB (limits.memory_mb); the run was stopped", hog.Failure, StringComparison.Ordinal);
        Assert.All(e.Runs.Where(run => run.Seed != 2), run => Assert.Equal("finished", run.Status));
        Assert.Equal(2, e.Evaluation!.NumSeeds);
        Assert.Contains("seed 2 failed: out of memory: its processes held", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_memory_limit_is_read_from_limits_memory_mb_and_a_wrong_one_names_the_line()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "agent.yaml");
        File.WriteAllText(path, "planner: rules\nlimits:\n  memory_mb: 2048\n");
        Assert.Equal(2048, AgentConfigFile.Read(path).Trainer.RunMemoryMb);
        Assert.Null(AgentConfig.Default.Trainer.RunMemoryMb);

        File.WriteAllText(path, "planner: rules\nlimits:\n  memory_mb: lots\n");
        var ex = Assert.Throws<Runlens.Agent.AgentInputException>(() => AgentConfigFile.Read(path));
        Assert.EndsWith(":3: limits.memory_mb 'lots' is not a number from 64 to 1048576; write e.g. memory_mb: 8192", ex.Message, StringComparison.Ordinal);
    }
}
