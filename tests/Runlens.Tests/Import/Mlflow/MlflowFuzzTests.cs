using System.Text;
using Runlens.Import;
using Runlens.Import.Mlflow;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Mlflow;

/// <summary>Mutated meta.yaml, metric, param and tag files give runs (with damage events where something was lost) or a
/// clean <see cref="RunImportException"/>; never another exception or a hang.</summary>
public sealed class MlflowFuzzTests
{
    private const string GanRun = "7bc3cca660254316aeafb098baae1bf1";
    private const string KerasRun = "b703b7db9a7a4e158519346e2f5c5190";
    private readonly MlflowImporter _importer = new();

    private static string GanRunDir => Path.Combine(Fixtures.Shared("mlflow-tf-gan-nested-runs"), "mlruns", "1", GanRun);

    private static string KerasExperimentDir => Path.Combine(Fixtures.Shared("mlflow-keras-autolog-tweet-classification"), "mlruns", "0");

    private Task ImportAsync(string path) => _importer.ImportAsync(path, ImportContext.None);

    /// <summary>Copies a run folder (meta.yaml, metrics, params, tags; not artifacts) into <paramref name="into"/>.</summary>
    private static string CopyRun(string runDir, string into)
    {
        var target = Path.Combine(into, Path.GetFileName(runDir));
        foreach (var folder in new[] { "metrics", "params", "tags" })
        {
            var src = Path.Combine(runDir, folder);
            if (!Directory.Exists(src))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
            {
                var dst = Path.Combine(target, Path.GetRelativePath(runDir, file));
                Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
                File.Copy(file, dst);
            }
        }

        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(runDir, "meta.yaml"), Path.Combine(target, "meta.yaml"));
        return target;
    }

    [SharedFact]
    public async Task Mutated_run_meta_yaml_imports_or_fails_cleanly()
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(GanRunDir, "meta.yaml"));
        await Fuzz.RunAsync(original, "meta.yaml", ImportAsync, iterations: 2000, seed: 31,
            prepare: (dir, bytes) =>
            {
                var run = CopyRun(GanRunDir, dir);
                File.WriteAllBytes(Path.Combine(run, "meta.yaml"), bytes);
                return run;
            });
    }

    [SharedFact]
    public async Task Mutated_metric_files_always_give_the_run()
    {
        var original = await File.ReadAllBytesAsync(Path.Combine(GanRunDir, "metrics", "Generator loss"));
        var runs = 0;
        await Fuzz.RunAsync(original, "Generator loss", async path =>
            {
                var result = await _importer.ImportAsync(path, ImportContext.None);
                var run = Assert.Single(result.Runs);
                Assert.Equal(GanRun, run.Identity.Id);
                Assert.Equal(270, run.Get("Discriminator loss")!.Count);
                runs++;
            },
            iterations: 2500, seed: 47,
            prepare: (dir, bytes) =>
            {
                var run = CopyRun(GanRunDir, dir);
                File.WriteAllBytes(Path.Combine(run, "metrics", "Generator loss"), bytes);
                return run;
            });
        Assert.Equal(2500, runs);
    }

    [SharedFact]
    public async Task Mutated_meta_of_one_run_in_an_experiment_never_loses_the_others()
    {
        var experiment = KerasExperimentDir;
        var original = await File.ReadAllBytesAsync(Path.Combine(experiment, KerasRun, "meta.yaml"));
        await Fuzz.RunAsync(original, "meta.yaml", async path =>
            {
                var result = await _importer.ImportAsync(path, ImportContext.None);
                Assert.Equal(2, result.Runs.Length);
                Assert.Contains(result.Runs, r => r.Identity.Id == "22eaffc72fd043729c56bb371f57ff99" && r.Events.IsEmpty && r.Has("train/loss"));
            },
            iterations: 800, seed: 5,
            prepare: (dir, bytes) =>
            {
                var exp = Path.Combine(dir, "0");
                Directory.CreateDirectory(exp);
                File.Copy(Path.Combine(experiment, "meta.yaml"), Path.Combine(exp, "meta.yaml"));
                CopyRun(Path.Combine(experiment, "22eaffc72fd043729c56bb371f57ff99"), exp);
                var run = CopyRun(Path.Combine(experiment, KerasRun), exp);
                File.WriteAllBytes(Path.Combine(run, "meta.yaml"), bytes);
                return exp;
            });
    }

    [SharedFact]
    public async Task Mutated_experiment_meta_yaml_in_a_tree_imports_or_fails_cleanly()
    {
        var experiment = KerasExperimentDir;
        var original = await File.ReadAllBytesAsync(Path.Combine(experiment, "meta.yaml"));
        await Fuzz.RunAsync(original, "meta.yaml", ImportAsync, iterations: 600, seed: 8,
            prepare: (dir, bytes) =>
            {
                var tree = Path.Combine(dir, "mlruns");
                var exp = Path.Combine(tree, "0");
                Directory.CreateDirectory(exp);
                File.WriteAllBytes(Path.Combine(exp, "meta.yaml"), bytes);
                CopyRun(Path.Combine(experiment, KerasRun), exp);
                return tree;
            });
    }

    [Fact]
    public async Task Mutated_synthetic_files_import_or_fail_cleanly()
    {
        const string id = "cccccccccccccccccccccccccccccccc";
        var meta = Encoding.UTF8.GetBytes(MlflowTestRuns.OldMeta(id));
        var metric = Encoding.UTF8.GetBytes(MlflowTestRuns.Lines(200, i => i % 17 == 0 ? double.NaN : 1.0 / (i + 1)));
        var param = Encoding.UTF8.GetBytes("0.001");
        string Layout(string dir, byte[]? m, byte[]? x, byte[]? p)
        {
            var run = MlflowTestRuns.Run(dir, id, null);
            File.WriteAllBytes(Path.Combine(run, "meta.yaml"), m ?? meta);
            File.WriteAllBytes(Path.Combine(run, "metrics", "val_loss"), x ?? metric);
            File.WriteAllBytes(Path.Combine(run, "params", "lr"), p ?? param);
            File.WriteAllBytes(Path.Combine(run, "tags", MlflowRunReader.RunNameTag), p ?? "name"u8.ToArray());
            return run;
        }

        await Fuzz.RunAsync(meta, "meta.yaml", ImportAsync, iterations: 1500, seed: 1, prepare: (dir, bytes) => Layout(dir, bytes, null, null));
        await Fuzz.RunAsync(metric, "val_loss", ImportAsync, iterations: 1500, seed: 2, prepare: (dir, bytes) => Layout(dir, null, bytes, null));
        await Fuzz.RunAsync(param, "lr", ImportAsync, iterations: 300, seed: 3, prepare: (dir, bytes) => Layout(dir, null, null, bytes));
    }
}
