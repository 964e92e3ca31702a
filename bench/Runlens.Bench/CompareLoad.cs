using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Diagnoses;
using Runlens.Model;
using Runlens.Reports.Json;

namespace Runlens.Bench;

/// <summary>
/// Issue target: <c>compare</c> of 10 runs with 1,000,000 points each under 2 s. Builds the runs in memory (not timed):
/// each logs <c>train/loss</c>, <c>train/grad_norm</c> and <c>train/learning_rate</c> at every one of <c>steps</c> steps and
/// <c>val/loss</c>, <c>val/accuracy</c> every 100 steps; five learning rates × two seeds, one learning rate with loss spikes.
/// Then times, three rounds: diagnosis of every run (in parallel, as <c>runlens compare</c> does), the comparison built
/// from the diagnoses, and the JSON rendering; and, once, one run diagnosed alone.
/// </summary>
internal static class CompareLoad
{
    public static int Run(int runs, int steps)
    {
        var sw = Stopwatch.StartNew();
        var list = Enumerable.Range(0, runs).Select(i => Make(i, steps)).ToList();
        var points = list.Sum(r => r.Series.Values.Sum(s => (long)s.Count));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs} runs × {steps:N0} steps ({points / runs:N0} points per run, {points:N0} in all) built in {sw.Elapsed.TotalSeconds:F2} s; {Environment.ProcessorCount} cores"));

        var one = Stopwatch.StartNew();
        var oneCpu = Process.GetCurrentProcess().TotalProcessorTime;
        new Diagnoser().Diagnose(list[0] with { Identity = list[0].Identity with { Id = "warm" } });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one run diagnosed alone (cold): {one.Elapsed.TotalSeconds:F3} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - oneCpu).TotalSeconds:F2} s; load average {Load()}"));

        for (var round = 1; round <= 3; round++)
        {
            // Fresh runs each round: the series value cache is per Series instance, as in a fresh process.
            var fresh = list.Select(r => r with { Series = r.Series.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value with { }, StringComparer.Ordinal) }).ToList();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var t = Stopwatch.StartNew();
            var diagnoser = new Diagnoser();
            var diagnoses = new Diagnosis[fresh.Count];
            Parallel.For(0, fresh.Count, i => diagnoses[i] = diagnoser.Diagnose(fresh[i]));
            var diagnosed = t.Elapsed;
            var comparison = ExperimentComparison.Of(diagnoses);
            var compared = t.Elapsed;
            using var sink = new MemoryStream();
            new ComparisonJsonRenderer().Render(comparison, sink);
            var total = t.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: diagnose {diagnosed.TotalSeconds:F3} s + compare {(compared - diagnosed).TotalMilliseconds:F0} ms + JSON {(total - compared).TotalMilliseconds:F0} ms = {total.TotalSeconds:F3} s; "
                + $"best {comparison.Labels[comparison.Best!.Run]}, seeds {comparison.Seeds.Verdict}, {comparison.Recommendations.Length} recommendations, JSON {sink.Length / 1024:N0} KiB; CPU time {cpu.TotalSeconds:F2} s (load-independent: wall ≥ CPU / cores)"));
        }

        return 0;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static Run Make(int index, int steps)
    {
        var config = index / 2;
        var seed = (index % 2) + 1;
        var lr = 1e-5 * (config + 1);
        var rng = new Random((index * 7919) + 1);
        var loss = ImmutableArray.CreateBuilder<SeriesPoint>(steps);
        var grad = ImmutableArray.CreateBuilder<SeriesPoint>(steps);
        var rate = ImmutableArray.CreateBuilder<SeriesPoint>(steps);
        var floor = 0.3 + (0.02 * Math.Abs(config - 2));
        for (var i = 0; i < steps; i++)
        {
            var t = i / (double)steps;
            var l = (2.5 * Math.Exp(-4 * t)) + floor + (0.05 * AnalysisBenchmark.Gaussian(rng));
            if (config == 4 && i % 50_000 == 25_000)
            {
                l *= 6;
            }

            loss.Add(new SeriesPoint(i + 1, l, 3 * t));
            grad.Add(new SeriesPoint(i + 1, 0.3 + (0.05 * AnalysisBenchmark.Gaussian(rng)), 3 * t));
            rate.Add(new SeriesPoint(i + 1, lr * (1 - t), 3 * t));
        }

        var evals = steps / 100;
        var val = ImmutableArray.CreateBuilder<SeriesPoint>(evals);
        var acc = ImmutableArray.CreateBuilder<SeriesPoint>(evals);
        for (var e = 1; e <= evals; e++)
        {
            var t = e / (double)evals;
            val.Add(new SeriesPoint(e * 100L, (2.5 * Math.Exp(-4 * t)) + floor + 0.05 + (0.01 * AnalysisBenchmark.Gaussian(rng)), 3 * t));
            acc.Add(new SeriesPoint(e * 100L, 0.9 - floor + (0.01 * AnalysisBenchmark.Gaussian(rng)), 3 * t));
        }

        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        series["train/loss"] = new Series("train/loss", "loss", loss.MoveToImmutable());
        series["train/grad_norm"] = new Series("train/grad_norm", "grad_norm", grad.MoveToImmutable());
        series["train/learning_rate"] = new Series("train/learning_rate", "learning_rate", rate.MoveToImmutable());
        series["val/loss"] = new Series("val/loss", "eval_loss", val.MoveToImmutable());
        series["val/accuracy"] = new Series("val/accuracy", "eval_accuracy", acc.MoveToImmutable());
        var name = string.Create(CultureInfo.InvariantCulture, $"lr{lr:0e0}-seed{seed}");
        return new Run
        {
            Identity = new RunIdentity(name, name, null, new RunSource("hf-trainer-state", "/bench/" + name)),
            Series = series.ToImmutable(),
            Config = RunConfig.Empty.With("learning_rate", ConfigValue.Of(lr)).With("seed", ConfigValue.Of(seed)).With("num_train_epochs", ConfigValue.Of(3)),
        };
    }
}
