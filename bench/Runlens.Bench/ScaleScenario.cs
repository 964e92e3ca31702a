using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;

namespace Runlens.Bench;

/// <summary>
/// Issue target: a trainer_state.json with 1,000,000 log entries — import plus analysis under 2 s, peak memory under
/// 4× the file size. Generates the file once (streamed to disk, so generation does not raise the peak), then times import + diagnosis three times, each in a fresh process whose
/// peak RSS (VmHWM) is reported. Peak RSS includes the .NET runtime itself, so the ratio is conservative.
/// </summary>
internal static class ScaleScenario
{
    public static async Task<int> RunAsync(int entries)
    {
        var path = Path.Combine(Path.GetTempPath(), $"runlens-bench-{entries}", "trainer_state.json");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Generate(path, entries);
        }

        var size = new FileInfo(path).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file: {path}, {entries:N0} log entries, {size / 1e6:F1} MB"));
        Console.WriteLine("each round runs in a fresh process: import + analysis, peak RSS of the whole process (runtime included)");
        for (var round = 1; round <= 3; round++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(typeof(ScaleScenario).Assembly.Location);
            psi.ArgumentList.Add("scale-once");
            psi.ArgumentList.Add(path);
            using var child = Process.Start(psi)!;
            var line = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"round {round}: {line}"));
        }

        return 0;
    }

    /// <summary>One measured import + analysis in this (fresh) process.</summary>
    public static async Task<int> OnceAsync(string path)
    {
        var size = new FileInfo(path).Length;
        var sw = Stopwatch.StartNew();
        var result = await ImporterCatalog.ImportAsync(path);
        var imported = sw.Elapsed;
        var importCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var importPeak = Rss("VmHWM:");
        var diagnosis = new Diagnoser().Diagnose(result.Runs[0]);
        var total = sw.Elapsed;
        var peak = Rss("VmHWM:");
        var points = result.Runs[0].Series.Values.Sum(s => s.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import {imported.TotalSeconds:F3} s (CPU {importCpu.TotalSeconds:F3} s), import+analysis {total.TotalSeconds:F3} s (CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F3} s), {points:N0} points, {diagnosis.Findings.Length} findings; "
            + $"peak RSS {peak / 1e6:F0} MB = {peak / (double)size:F2}× file size (after import {importPeak / 1e6:F0} MB); "
            + $"GC pauses {GC.GetTotalPauseDuration().TotalSeconds:F3} s (gen2 {GC.CollectionCount(2)}), JIT {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s"));
        return 0;
    }

    /// <summary><c>import-repeat FILE [times]</c>: the same import again and again in one process, each with its wall and
    /// CPU time, so the warm parse cost shows apart from start-up and JIT (and CPU apart from the machine's load).</summary>
    public static async Task<int> RepeatAsync(string path, int times)
    {
        for (var i = 1; i <= times; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var result = await ImporterCatalog.ImportAsync(path);
            var wall = sw.Elapsed;
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"import {i}: {wall.TotalMilliseconds:F0} ms wall, {used.TotalMilliseconds:F0} ms CPU, {result.Runs[0].Series.Values.Sum(s => s.Count):N0} points"));
        }

        return 0;
    }

    /// <summary>Realistic HF log: training entries (loss, grad_norm, learning_rate, epoch, step) and an eval every 100 steps.</summary>
    private static void Generate(string path, int entries)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var rng = new Random(42);
        var steps = entries;
        w.WriteStartObject();
        w.WriteNumber("best_metric", 0.5);
        w.WriteString("best_model_checkpoint", "out/checkpoint-1000");
        w.WriteNumber("epoch", 3.0);
        w.WriteNumber("eval_steps", 100);
        w.WriteNumber("global_step", steps);
        w.WriteBoolean("is_hyper_param_search", false);
        w.WriteStartArray("log_history");
        var written = 0;
        for (var step = 1; written < entries; step++)
        {
            var epoch = 3.0 * step / steps;
            var loss = 2.0 * Math.Exp(-3.0 * step / steps) + 0.1 + 0.05 * rng.NextDouble();
            w.WriteStartObject();
            w.WriteNumber("epoch", Math.Round(epoch, 4));
            w.WriteNumber("grad_norm", 0.3 + 0.1 * rng.NextDouble());
            w.WriteNumber("learning_rate", 5e-5 * (1 - (double)step / steps));
            w.WriteNumber("loss", Math.Round(loss, 4));
            w.WriteNumber("step", step);
            w.WriteEndObject();
            written++;
            if (written % 10_000 == 0)
            {
                w.Flush();
            }

            if (step % 100 == 0 && written < entries)
            {
                w.WriteStartObject();
                w.WriteNumber("epoch", Math.Round(epoch, 4));
                w.WriteNumber("eval_loss", loss + 0.2 + 0.3 * Math.Max(0, (double)step / steps - 0.5));
                w.WriteNumber("eval_runtime", 12.5);
                w.WriteNumber("eval_samples_per_second", 80.1);
                w.WriteNumber("eval_steps_per_second", 10.0);
                w.WriteNumber("step", step);
                w.WriteEndObject();
                written++;
            }
        }

        w.WriteEndArray();
        w.WriteNumber("logging_steps", 1);
        w.WriteNumber("max_steps", steps);
        w.WriteNumber("num_train_epochs", 3);
        w.WriteNumber("save_steps", 1000);
        w.WriteNumber("train_batch_size", 8);
        w.WriteEndObject();
    }

    private static long Rss(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }

        return -1;
    }
}
