using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Sweeps;
using Runlens.Model;
using Runlens.Storage;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>
/// Issue target: <c>impact</c> over 1,000 runs under 2 s. Generates a sweep (six parameters, two that matter, a validation
/// loss every 10 steps and a training loss every step), then times in this process: diagnosing every run, the impact
/// analysis itself (Spearman + 5 forest fits + finding rates), first call (JIT included) and again
/// warm; then saves the runs to a temporary SQLite store, times loading the experiment back, as <c>runlens impact
/// --experiment</c> does, and times that command itself as a new process (start-up, store, diagnosis, analysis, JSON).
/// </summary>
internal static class ImpactLoad
{
    public static async Task<int> RunAsync(int count, int trainPoints, int trees)
    {
        var runs = Generate(count, trainPoints);
        var points = runs.Sum(r => r.Series.Values.Sum(s => s.Count));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"impact: {count:N0} runs, {points:N0} points ({trainPoints} train/loss + {trainPoints / 10} val/loss per run), {trees} trees, {Environment.ProcessorCount} cores (CPU time is the sum over cores: with n idle cores the parallel parts take about CPU/n of wall time)"));

        for (var round = 1; round <= 3; round++)
        {
            var cpu0 = Cpu();
            var sw = Stopwatch.StartNew();
            var diagnoser = new Diagnoser();
            var diagnoses = runs.AsParallel().AsOrdered().Select(diagnoser.Diagnose).ToList();
            var diagnosed = sw.Elapsed;
            var cpu1 = Cpu();
            var analysis = ImpactAnalyzer.Analyze(diagnoses, new ImpactOptions { Trees = trees });
            var total = sw.Elapsed;
            var cpu2 = Cpu();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}{(round == 1 ? " (cold)" : "")}: wall: diagnose {diagnosed.TotalSeconds:F3} s + impact {(total - diagnosed).TotalSeconds:F3} s = {total.TotalSeconds:F3} s; "
                + $"CPU: diagnose {(cpu1 - cpu0).TotalSeconds:F3} s + impact {(cpu2 - cpu1).TotalSeconds:F3} s; "
                + $"top: {string.Join(", ", analysis.Parameters.Take(2).Select(p => p.Key))}, held-out R² {analysis.Forest?.HeldOutR2Mean:F3}; load average {LoadAverage()}"));
        }

        // The forest alone (5 fits, permutation importance included), on the six parameters as the analyzer encodes them.
        string[] keys = ["learning_rate", "warmup_ratio", "weight_decay", "dropout", "seed"];
        var features = runs.Select(r => keys.Select(k => (float)r.Config.Values[k].Number)
            .Append(Array.IndexOf(["adafactor", "adamw", "sgd"], r.Config.Values["optimizer"].Text)).ToArray()).ToList();
        var labels = runs.Select(r => r.Series["val/loss"].Points.Min(p => p.Value)).ToList();
        for (var round = 1; round <= 3; round++)
        {
            var sw = Stopwatch.StartNew();
            var fit = ForestImportance.Fit(features, labels, new ImpactOptions { Trees = trees });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forest alone, round {round}: {sw.Elapsed.TotalMilliseconds:F1} ms for {fit.R2.Length} fits of {trees} trees on {fit.TrainRuns} runs (held-out R² {fit.R2.Average():F3})"));
        }

        var folder = Directory.CreateTempSubdirectory("runlens-bench-impact-").FullName;
        try
        {
            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(folder, "runlens.db"));
            foreach (var r in runs)
            {
                await store.SaveRunAsync(r);
            }

            var sw = Stopwatch.StartNew();
            var listed = await store.ListRunsAsync(new RunQuery("bench-sweep", null, int.MaxValue));
            var loaded = new List<Run>(listed.Count);
            foreach (var s in listed)
            {
                loaded.Add((await store.GetRunAsync(s.Id))!);
            }

            var read = sw.Elapsed;
            var analysis = ImpactAnalyzer.Analyze(loaded, new ImpactOptions { Trees = trees });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"from SQLite: load {loaded.Count:N0} runs {read.TotalSeconds:F3} s + diagnose and impact {(sw.Elapsed - read).TotalSeconds:F3} s = {sw.Elapsed.TotalSeconds:F3} s ({analysis.Parameters.Length} parameters: {string.Join(", ", analysis.Parameters.Select(p => p.Key))}; held-out R² {analysis.Forest?.HeldOutR2Mean:F3}; skipped {analysis.Skipped.Length})"));

            // What a user waits for: a fresh `runlens impact --experiment` process, start-up and store included.
            for (var round = 1; round <= 3; round++)
            {
                var cli = Stopwatch.StartNew();
                using var process = Process.Start(new ProcessStartInfo("dotnet")
                {
                    ArgumentList = { Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "impact", "--experiment", "bench-sweep", "--store", Path.Combine(folder, "runlens.db"), "--format", "json", "--out", Path.Combine(folder, "impact.json") },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                var stderr = process.StandardError.ReadToEndAsync();
                await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                var error = process.ExitCode == 0 ? "" : ": " + await stderr;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"runlens impact --experiment (a new process), round {round}: {cli.Elapsed.TotalSeconds:F3} s, exit {process.ExitCode}{error}"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static List<Run> Generate(int count, int trainPoints)
    {
        var rng = new Random(7);
        var runs = new List<Run>(count);
        string[] optimizers = ["adamw", "sgd", "adafactor"];
        for (var i = 0; i < count; i++)
        {
            var lr = Math.Pow(10, -5 + (3 * rng.NextDouble()));
            var warmup = 0.2 * rng.NextDouble();
            var objective = 0.4 + (0.12 * (-2 - Math.Log10(lr))) + (1.2 * (0.2 - warmup)) + (0.01 * (rng.NextDouble() - 0.5));
            var config = RunConfig.From(new Dictionary<string, ConfigValue>
            {
                ["learning_rate"] = ConfigValue.Of(lr),
                ["warmup_ratio"] = ConfigValue.Of(warmup),
                ["weight_decay"] = ConfigValue.Of(0.1 * rng.NextDouble()),
                ["dropout"] = ConfigValue.Of(0.3 * rng.NextDouble()),
                ["seed"] = ConfigValue.Of(rng.Next(10_000)),
                ["optimizer"] = ConfigValue.Of(optimizers[rng.Next(3)]),
                ["output_dir"] = ConfigValue.Of($"/runs/{i}"),
            });
            var train = new SeriesPoint[trainPoints];
            for (var t = 0; t < trainPoints; t++)
            {
                train[t] = new SeriesPoint(t + 1, objective - 0.05 + ((2.0 - objective) * Math.Exp(-6.0 * t / trainPoints)) + (0.01 * (rng.NextDouble() - 0.5)), double.NaN);
            }

            var val = new SeriesPoint[trainPoints / 10];
            for (var e = 0; e < val.Length; e++)
            {
                val[e] = new SeriesPoint((e + 1) * 10, objective + ((2.0 - objective) * Math.Exp(-6.0 * (e + 1) / val.Length)) + (0.004 * (rng.NextDouble() - 0.5)), double.NaN);
            }

            var id = string.Create(CultureInfo.InvariantCulture, $"bench-{i:D5}");
            runs.Add(new Run
            {
                Identity = new RunIdentity(id, id, "bench-sweep", new RunSource("bench", "/bench/" + id)),
                Config = config,
                Series = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, Series>
                {
                    ["train/loss"] = new("train/loss", "loss", [.. train]),
                    ["val/loss"] = new("val/loss", "eval_loss", [.. val]),
                }),
            });
        }

        return runs;
    }
}
