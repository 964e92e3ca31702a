using System.Diagnostics;
using Runlens.Agent.Registry;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary><c>kill -9</c> of a real <c>runlens agent</c> process at random moments (registry writes among them), many
/// times over, then <c>runlens agent resume</c>: the registry stays a valid document, no finished experiment is lost or
/// changed, and the goal's work goes on from the next planned experiment.</summary>
public sealed class AgentKillTests
{
    [PythonFact]
    public async Task Killing_the_agent_at_random_points_loses_no_experiment_and_resume_goes_on_where_it_stopped()
    {
        using var dir = new TempDir();
        AgentTestKit.QuickConfig(dir.Path);
        AgentTestKit.QuickGoal(dir.Path, threshold: 0.999, iterations: 9);
        var random = new Random(20261207);
        var seen = new List<ExperimentRecord>();
        string? project = null;
        var kills = 0;
        for (var cycle = 0; cycle < 40 && kills < 12; cycle++)
        {
            string[] args = project is null ? ["agent", "goal.yaml", "--config", "agent.yaml"] : ["agent", "resume", project];
            using var agent = Start(dir.Path, args);
            var wait = TimeSpan.FromMilliseconds(random.Next(300, 4000));
            var exited = agent.WaitForExit(wait);
            if (!exited)
            {
                agent.Kill(entireProcessTree: false); // SIGKILL to the agent alone: no handler runs, the trainer children are orphaned
                await agent.WaitForExitAsync();
                kills++;
            }

            // A project folder appears only with its registry in it (it is built beside and renamed into place).
            var projects = Directory.Exists(Path.Combine(dir.Path, "projects"))
                ? Directory.GetDirectories(Path.Combine(dir.Path, "projects")).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList()
                : [];
            Assert.All(projects, d => Assert.True(File.Exists(Path.Combine(d, RegistryFile.FileName)), $"{d} has no registry"));
            Assert.True(projects.Count <= 1, $"more than one project: {string.Join(", ", projects)}");
            project ??= projects.SingleOrDefault();
            if (project is null)
            {
                continue; // killed before the project was created: starting again is all there is
            }

            var registry = RegistryFile.Read(Path.Combine(project, RegistryFile.FileName)); // throws if a write was torn
            AssertKeeps(seen, registry);
            seen = [.. registry.Experiments];
            if (registry.Status != AgentRegistry.Running)
            {
                break;
            }
        }

        Assert.NotNull(project);
        Assert.True(kills >= 3, $"only {kills} kills landed while the agent ran");

        // Finish without interruption.
        for (var i = 0; i < 3 && RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName)).Status == AgentRegistry.Running; i++)
        {
            var before = RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName));
            using var resume = Start(dir.Path, ["agent", "resume", project!]);
            Assert.True(resume.WaitForExit(TimeSpan.FromMinutes(5)), "resume did not finish within 5 minutes");
            Assert.Equal(0, resume.ExitCode);
            var after = RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName));
            AssertKeeps([.. before.Experiments], after);
            if (before.Next is { } next && after.Experiments.Length > before.Experiments.Length)
            {
                Assert.Equal(next.Id, after.Experiments[before.Experiments.Length].Id); // resume ran the planned experiment
                Assert.Equal(RuleKey(next), RuleKey(after.Experiments[before.Experiments.Length]));
            }
        }

        var final = RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName));
        Assert.NotEqual(AgentRegistry.Running, final.Status);
        Assert.NotNull(final.StopReason);
        Assert.Equal([.. Enumerable.Range(1, final.Experiments.Length).Select(i => $"E{i:D3}")], final.Experiments.Select(e => e.Id).ToArray());
        Assert.All(final.Experiments.Take(final.Experiments.Length - 1), e => Assert.Equal("refine", e.Decision.Action));
        Assert.All(final.Experiments, e => Assert.All(e.Runs, r => Assert.True(File.Exists(Path.Combine(project!, r.Folder, "predictions.csv")), $"{e.Id} {r.Folder}")));
        Assert.Empty(Directory.GetFiles(project!, "registry.json.tmp-*"));

        // Every start and resume wrote its own log, all with the goal's correlation id.
        var lines = AgentTestKit.LogLines(project!);
        Assert.True(Directory.GetFiles(Path.Combine(project!, "logs")).Length >= 2);
        Assert.All(lines, l => Assert.Equal(final.CorrelationId, (string?)l["correlation_id"]));
    }

    [PythonFact]
    public async Task Killing_the_agent_the_moment_it_writes_the_registry_leaves_a_valid_registry_and_resume_goes_on()
    {
        using var dir = new TempDir();
        AgentTestKit.QuickConfig(dir.Path);
        AgentTestKit.QuickGoal(dir.Path, threshold: 0.999, iterations: 6);
        var projects = Path.Combine(dir.Path, "projects");
        Directory.CreateDirectory(projects);
        var random = new Random(7);
        var seen = new List<ExperimentRecord>();
        string? project = null;
        var kills = 0;
        var beforeRename = 0;
        var leftovers = 0;
        for (var cycle = 0; cycle < 30 && kills < 8; cycle++)
        {
            // Kill at the k-th registry write of this start: the moment its temporary file appears (inotify), while the
            // write, its flush or the rename may still be under way.
            var k = random.Next(1, 4);
            var writes = 0;
            using var killed = new SemaphoreSlim(0);
            Process? agent = null;
            using var watcher = new FileSystemWatcher(projects, RegistryFile.FileName + ".tmp-*") { IncludeSubdirectories = true };
            watcher.Created += (_, _) =>
            {
                if (Interlocked.Increment(ref writes) == k && agent is { } a)
                {
                    try
                    {
                        a.Kill(entireProcessTree: false);
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    killed.Release();
                }
            };
            watcher.EnableRaisingEvents = true;
            string[] args = project is null ? ["agent", "goal.yaml", "--config", "agent.yaml"] : ["agent", "resume", project];
            using (agent = Start(dir.Path, args))
            {
                Assert.True(agent.WaitForExit(TimeSpan.FromMinutes(3)), "the agent neither finished nor was killed within 3 minutes");
                await agent.WaitForExitAsync();
                if (await killed.WaitAsync(0))
                {
                    kills++;
                }
            }

            watcher.EnableRaisingEvents = false;
            if (Directory.GetFiles(projects, RegistryFile.FileName + ".tmp-*", SearchOption.AllDirectories).Length > leftovers)
            {
                beforeRename++; // this kill landed before the rename: the temporary file is still there
            }

            leftovers = Directory.GetFiles(projects, RegistryFile.FileName + ".tmp-*", SearchOption.AllDirectories).Length;
            var found = Directory.GetDirectories(projects).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList();
            Assert.All(found, d => Assert.True(File.Exists(Path.Combine(d, RegistryFile.FileName)), $"{d} has no registry"));
            project ??= found.SingleOrDefault();
            if (project is null)
            {
                continue;
            }

            var registry = RegistryFile.Read(Path.Combine(project, RegistryFile.FileName)); // throws if a write was torn
            AssertKeeps(seen, registry);
            seen = [.. registry.Experiments];
            if (registry.Status != AgentRegistry.Running)
            {
                break;
            }
        }

        Assert.True(kills >= 4, $"only {kills} kills landed at a registry write");
        Assert.True(beforeRename >= 1, $"none of the {kills} kills landed before the registry's rename");
        Assert.NotNull(project);
        for (var i = 0; i < 3 && RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName)).Status == AgentRegistry.Running; i++)
        {
            using var resume = Start(dir.Path, ["agent", "resume", project!]);
            Assert.True(resume.WaitForExit(TimeSpan.FromMinutes(5)), "resume did not finish within 5 minutes");
            Assert.Equal(0, resume.ExitCode);
        }

        var final = RegistryFile.Read(Path.Combine(project!, RegistryFile.FileName));
        AssertKeeps(seen, final);
        Assert.NotEqual(AgentRegistry.Running, final.Status);
        Assert.Equal([.. Enumerable.Range(1, final.Experiments.Length).Select(i => $"E{i:D3}")], final.Experiments.Select(e => e.Id).ToArray());
        Assert.Empty(Directory.GetFiles(project!, "registry.json.tmp-*"));
    }

    private static string RuleKey(PlannedExperiment p) => Runlens.Agent.Planning.RuleBasedPlanner.Key(p.Config);

    private static string RuleKey(ExperimentRecord e) => Runlens.Agent.Planning.RuleBasedPlanner.Key(e.Config);

    /// <summary>Every experiment seen before is still there, unchanged, in the same place.</summary>
    private static void AssertKeeps(List<ExperimentRecord> before, AgentRegistry now)
    {
        Assert.True(now.Experiments.Length >= before.Count, $"the registry lost experiments: {before.Count} → {now.Experiments.Length}");
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Id, now.Experiments[i].Id);
            Assert.Equal(before[i].Finished, now.Experiments[i].Finished);
            Assert.Equal(before[i].Evaluation?.GoalValue, now.Experiments[i].Evaluation?.GoalValue);
        }
    }

    private static Process Start(string workingDirectory, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "runlens.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
