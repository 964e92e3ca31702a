using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Runlens.Import;
using Runlens.Import.HfTrainer;

namespace Runlens.Bench;

/// <summary>
/// Imports a realistic 1,000,000-entry <c>trainer_state.json</c> (training logs with loss, grad_norm, learning_rate, epoch
/// and step, an eval log every 100 steps, written the way the Trainer writes it: indent 2, sorted keys). Target: well under
/// 2 s, allocations under 4x the file size.
/// </summary>
[MemoryDiagnoser]
public class HfTrainerImportBenchmark
{
    private const int Entries = 1_000_000;
    private readonly HfTrainerImporter _importer = new();
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "runlens-bench-hftrainer");
        Directory.CreateDirectory(dir);
        _path = Path.Combine(dir, "trainer_state.json");
        if (!File.Exists(_path))
        {
            Write(_path);
        }

        var size = new FileInfo(_path).Length;
        Console.WriteLine($"// trainer_state.json: {Entries:N0} log entries, {size:N0} bytes ({size / 1048576.0:F1} MiB) at {_path}");
    }

    [Benchmark]
    public async Task<int> ImportAsync()
    {
        var result = await _importer.ImportAsync(_path, ImportContext.None);
        return result.Runs[0].Series.Count;
    }

    private static void Write(string path)
    {
        var c = CultureInfo.InvariantCulture;
        var rng = new Random(42);
        var steps = 0L;
        for (long written = 0; written < Entries; steps++)
        {
            written += (steps + 1) % 100 == 0 ? 2 : 1;
        }

        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("{\n  \"best_global_step\": null,\n  \"best_metric\": null,\n  \"best_model_checkpoint\": null,\n");
        w.Write($"  \"epoch\": 3.0,\n  \"eval_steps\": 100,\n  \"global_step\": {steps},\n  \"is_hyper_param_search\": false,\n");
        w.Write("  \"is_local_process_zero\": true,\n  \"is_world_process_zero\": true,\n  \"log_history\": [\n");
        var loss = 2.5;
        for (long step = 1, n = 0; n < Entries; step++)
        {
            var epoch = 3.0 * step / steps;
            loss = Math.Max(0.05, loss * 0.999995 + (rng.NextDouble() - 0.5) * 0.01);
            var lr = 5e-5 * (1 - (double)step / steps);
            var grad = 0.5 + rng.NextDouble() * 2;
            w.Write(n == 0 ? "    {\n" : ",\n    {\n");
            w.Write(string.Create(c, $"      \"epoch\": {epoch:R},\n      \"grad_norm\": {grad:R},\n      \"learning_rate\": {lr:R},\n      \"loss\": {Math.Round(loss, 4):R},\n      \"step\": {step}\n    }}"));
            n++;
            if (step % 100 == 0 && n < Entries)
            {
                var evalLoss = loss + 0.1 + rng.NextDouble() * 0.05;
                w.Write(string.Create(c, $",\n    {{\n      \"epoch\": {epoch:R},\n      \"eval_accuracy\": {0.5 + rng.NextDouble() * 0.4:R},\n      \"eval_loss\": {evalLoss:R},\n      \"eval_runtime\": {10 + rng.NextDouble():R},\n      \"eval_samples_per_second\": {200 + rng.NextDouble() * 10:R},\n      \"eval_steps_per_second\": {25 + rng.NextDouble():R},\n      \"step\": {step}\n    }}"));
                n++;
            }
        }

        w.Write($"\n  ],\n  \"logging_steps\": 1,\n  \"max_steps\": {steps},\n  \"num_input_tokens_seen\": 0,\n  \"num_train_epochs\": 3,\n");
        w.Write("  \"save_steps\": 500,\n  \"stateful_callbacks\": {\n    \"TrainerControl\": {\n      \"args\": {\n        \"should_training_stop\": true\n      },\n      \"attributes\": {}\n    }\n  },\n");
        w.Write("  \"total_flos\": 1.0e+18,\n  \"train_batch_size\": 8,\n  \"trial_name\": null,\n  \"trial_params\": null\n}\n");
    }
}
