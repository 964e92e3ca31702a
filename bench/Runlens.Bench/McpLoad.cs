using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Runlens.Model;
using Runlens.Storage.Sqlite;

namespace Runlens.Bench;

/// <summary>
/// <c>mcp [runs]</c>: a store of generated runs (a learning-rate sweep: train loss and learning rate at 1,000 steps,
/// validation loss and accuracy at 40 evaluations), served by <c>runlens mcp</c> as a child process and called through the
/// SDK's client: per tool, p50 and max latency over repeated calls (on different runs), the first call apart (it pays
/// JIT and the first diagnosis), and the answer size. Target: every call under 200 ms on 1,000 runs.
/// </summary>
internal static class McpLoad
{
    private const int Calls = 30;

    public static async Task<int> RunAsync(int count)
    {
        var folder = Directory.CreateTempSubdirectory("runlens-mcp-").FullName;
        try
        {
            var storePath = Path.Combine(folder, "runlens.db");
            var clock = Stopwatch.StartNew();
            await using (var store = await SqliteRunStore.OpenAsync(storePath))
            {
                for (var r = 0; r < count; r++)
                {
                    await store.SaveRunAsync(SweepRun(r));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stored {count:N0} runs of 2 x 1,000 + 2 x 40 points in {clock.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores"));

            var started = Stopwatch.StartNew();
            await using var client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "runlens",
                Command = "dotnet",
                Arguments = [Path.Combine(AppContext.BaseDirectory, "runlens.dll"), "mcp", "--store", storePath],
                StandardErrorLines = line => Console.Error.WriteLine("server: " + line),
            }));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server started and initialized in {started.ElapsedMilliseconds} ms"));

            var random = new Random(11);
            string Id() => $"sweep-{random.Next(count):D5}";
            var example = Path.Combine(RepoRoot(), "examples", "hf-trainer-multi-eval-overfit");
            var cases = new (string Label, string Tool, Func<Dictionary<string, object?>> Args)[]
            {
                ("list_runs (page of 50)", "list_runs", () => new() { ["offset"] = random.Next(count / 50) * 50 }),
                ("list_runs (filter + metrics)", "list_runs", () => new() { ["filter"] = "metrics.eval_loss < 0.5 and params.per_device_train_batch_size = '32'", ["metrics"] = new[] { "eval_loss", "eval_accuracy" } }),
                ("get_run", "get_run", () => new() { ["run"] = Id() }),
                ("diagnose_run", "diagnose_run", () => new() { ["run"] = Id() }),
                ("diagnose_run (errors only)", "diagnose_run", () => new() { ["run"] = Id(), ["min_severity"] = "error" }),
                ("get_metric_history (500 of 1,000)", "get_metric_history", () => new() { ["run"] = Id(), ["key"] = "train/loss" }),
                ("get_metric_history (step range)", "get_metric_history", () => new() { ["run"] = Id(), ["key"] = "train/loss", ["from_step"] = 200, ["to_step"] = 800, ["max_points"] = 100 }),
                ("compare_runs (3 runs)", "compare_runs", () => new() { ["runs"] = new[] { Id(), Id(), Id() } }),
                ("hyperparameter_impact (50-run experiment)", "hyperparameter_impact", () => new() { ["experiment"] = "sweep-50" }),
                ("explain_rule", "explain_rule", () => new() { ["rule"] = "overfitting" }),
                ("import_run (idempotent)", "import_run", () => new() { ["path"] = example }),
                ("error: unknown run", "get_run", () => new() { ["run"] = "no-such-run" }),
            };

            Console.WriteLine($"{"tool",-36} {"calls",5} {"first ms",9} {"p50 ms",7} {"max ms",7} {"bytes",7}");
            var worst = 0.0;
            foreach (var (label, tool, args) in cases)
            {
                var times = new List<double>();
                long bytes = 0;
                double first = 0;
                for (var i = 0; i <= Calls; i++)
                {
                    var a = args();
                    var watch = Stopwatch.StartNew();
                    var result = await client.CallToolAsync(tool, a);
                    var ms = watch.Elapsed.TotalMilliseconds;
                    var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
                    if (result.IsError == true && !label.StartsWith("error", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"{label}: {text}");
                    }

                    if (i == 0)
                    {
                        first = ms;
                        continue;
                    }

                    times.Add(ms);
                    bytes += System.Text.Encoding.UTF8.GetByteCount(text);
                }

                times.Sort();
                worst = Math.Max(worst, times[^1]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label,-36} {Calls,5} {first,9:F1} {times[times.Count / 2],7:F1} {times[^1],7:F1} {bytes / Calls,7:N0}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest call after the first of each tool: {worst:F1} ms (target < 200 ms)"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One run of a learning-rate sweep; config and curves vary with the index, deterministically.</summary>
    private static Run SweepRun(int index)
    {
        var random = new Random(index);
        var lr = 1e-5 * Math.Pow(10, random.NextDouble() * 2);
        var overfit = random.NextDouble();
        var series = ImmutableSortedDictionary.CreateBuilder<string, Series>(StringComparer.Ordinal);
        var train = new SeriesPoint[1000];
        var rate = new SeriesPoint[1000];
        for (var i = 0; i < train.Length; i++)
        {
            var step = (i + 1) * 10L;
            train[i] = new SeriesPoint(step, (2.0 * Math.Exp(-i / 300.0)) + 0.1 + (0.05 * random.NextDouble()), step / 2500.0);
            rate[i] = new SeriesPoint(step, lr * (1 - (i / 1000.0)), step / 2500.0);
        }

        var val = new SeriesPoint[40];
        var accuracy = new SeriesPoint[40];
        for (var e = 0; e < val.Length; e++)
        {
            var step = (e + 1) * 250L;
            var loss = (1.5 * Math.Exp(-e / 8.0)) + 0.3 + (overfit * Math.Max(0, e - 15) * 0.02) + (0.01 * random.NextDouble());
            val[e] = new SeriesPoint(step, loss, step / 2500.0);
            accuracy[e] = new SeriesPoint(step, Math.Min(0.99, 0.5 + (0.4 * (1 - Math.Exp(-e / 6.0))) - (overfit * Math.Max(0, e - 15) * 0.003)), step / 2500.0);
        }

        series["train/loss"] = new Series("train/loss", "loss", [.. train]);
        series["train/learning_rate"] = new Series("train/learning_rate", "learning_rate", [.. rate]);
        series["val/loss"] = new Series("val/loss", "eval_loss", [.. val]);
        series["val/accuracy"] = new Series("val/accuracy", "eval_accuracy", [.. accuracy]);
        var name = $"sweep-{index:D5}";
        return new Run
        {
            Identity = new RunIdentity(name, name, index < 50 ? "sweep-50" : "mcp-load", new RunSource("bench", "generated")),
            Config = RunConfig.From(new Dictionary<string, ConfigValue>(StringComparer.Ordinal)
            {
                ["learning_rate"] = ConfigValue.Of(lr),
                ["per_device_train_batch_size"] = ConfigValue.Of(index % 3 == 0 ? 16 : 32),
                ["weight_decay"] = ConfigValue.Of(index % 2 == 0 ? 0.0 : 0.01),
                ["num_train_epochs"] = ConfigValue.Of(4),
            }),
            Series = series.ToImmutable(),
            Status = RunStatus.Finished,
        };
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runlens.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Runlens.slnx not found above " + AppContext.BaseDirectory);
    }
}
