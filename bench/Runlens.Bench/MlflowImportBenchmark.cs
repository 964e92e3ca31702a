using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Runlens.Import;
using Runlens.Import.Mlflow;

namespace Runlens.Bench;

/// <summary>
/// Imports the MLflow file store of the shared fixture <c>mlflow-tf-gan-nested-runs</c> (4 runs; the child run
/// 8927ca27… has two metric files of 63,000 lines, 4.7 MB together), found in <c>shared/fixtures/real</c> above the
/// benchmark's folder or under $RUNLENS_SHARED. Without the shared corpus, an equivalent tree is generated (same layout,
/// CRLF lines, 63,000 steps per metric). Target: well under a second.
/// </summary>
[MemoryDiagnoser]
public class MlflowImportBenchmark
{
    private const int Steps = 63_000;
    private readonly MlflowImporter _importer = new();
    private string _tree = "";

    [GlobalSetup]
    public void Setup()
    {
        var shared = FindShared();
        if (shared is not null)
        {
            _tree = Path.Combine(shared, "mlflow-tf-gan-nested-runs", "mlruns");
        }
        else
        {
            _tree = Path.Combine(Path.GetTempPath(), "runlens-bench-mlflow", "mlruns");
            if (!Directory.Exists(_tree))
            {
                Write(_tree);
            }
        }

        var bytes = Directory.EnumerateFiles(_tree, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"// MLflow tree: {_tree} ({bytes:N0} bytes, {(shared is null ? "generated" : "shared fixture")})");
    }

    [Benchmark]
    public async Task<int> ImportTreeAsync()
    {
        var result = await _importer.ImportAsync(_tree, ImportContext.None);
        return result.Runs.Sum(r => r.Series.Values.Sum(s => s.Count));
    }

    private static string? FindShared()
    {
        var env = Environment.GetEnvironmentVariable("RUNLENS_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            var p = Path.Combine(env, "fixtures", "real");
            return Directory.Exists(Path.Combine(p, "mlflow-tf-gan-nested-runs")) ? p : null;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var p = Path.Combine(dir.FullName, "shared", "fixtures", "real");
                if (Directory.Exists(Path.Combine(p, "mlflow-tf-gan-nested-runs")))
                {
                    return p;
                }
            }
        }

        return null;
    }

    /// <summary>A parent run and a child run with two 63,000-line metric files, laid out like the fixture.</summary>
    private static void Write(string tree)
    {
        var exp = Path.Combine(tree, "1");
        Directory.CreateDirectory(exp);
        File.WriteAllText(Path.Combine(exp, "meta.yaml"), "artifact_location: file:///tmp/mlruns/1\ncreation_time: 1671633633000\nexperiment_id: '1'\nlast_update_time: 1671633633000\nlifecycle_stage: active\nname: Classical GAN\n");
        const string parent = "cfb1ee4014a54380adb5ccda0e8b84c7";
        const string child = "8927ca27bf0446c0a36f3aab196e73ed";
        foreach (var (id, name) in new[] { (parent, "Run"), (child, "Run_0") })
        {
            var run = Path.Combine(exp, id);
            Directory.CreateDirectory(Path.Combine(run, "tags"));
            Directory.CreateDirectory(Path.Combine(run, "metrics"));
            File.WriteAllText(Path.Combine(run, "meta.yaml"),
                $"artifact_uri: file:///tmp/mlruns/1/{id}/artifacts\nend_time: 1671637307369\nentry_point_name: ''\nexperiment_id: '1'\nlifecycle_stage: active\nname: ''\nrun_id: {id}\nrun_uuid: {id}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1671633633258\nstatus: 3\ntags: []\nuser_id: bench\n");
            File.WriteAllText(Path.Combine(run, "tags", "mlflow.runName"), name);
        }

        File.WriteAllText(Path.Combine(exp, child, "tags", "mlflow.parentRunId"), parent);
        var rng = new Random(42);
        foreach (var metric in new[] { "Generator loss", "Discriminator loss" })
        {
            var sb = new StringBuilder(Steps * 40);
            var v = 15.0;
            for (var i = 0; i < Steps; i++)
            {
                v = Math.Max(0.3, v * 0.9999 + (rng.NextDouble() - 0.5) * 0.2);
                sb.Append(CultureInfo.InvariantCulture, $"{1671633633327L + i * 58} {(double)(float)v:R} {i}\r\n");
            }

            File.WriteAllText(Path.Combine(exp, child, "metrics", metric), sb.ToString());
        }
    }
}
