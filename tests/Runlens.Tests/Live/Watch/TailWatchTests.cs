using System.Globalization;
using System.Text;
using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Import;
using Runlens.Import.Tail;
using Runlens.Live.Watch;
using Runlens.Tests.Support;

namespace Runlens.Tests.Live.Watch;

/// <summary>The watcher over a log read incrementally: each full pass against diagnosing the same bytes from scratch.</summary>
public sealed class TailWatchTests
{
    private static string Render(Finding f)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Runlens.Reports.Json.DiagnosisJsonRenderer.WriteFinding(w, f);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task<Diagnosis> FromScratch(string path) =>
        new Diagnoser().Diagnose((await ImporterCatalog.ImportAsync(path, new ImportContext { Live = true })).Runs.Single());

    /// <summary>Grows <paramref name="path"/> with <paramref name="text"/> in pieces (cut anywhere), one watcher turn per
    /// piece; after each full pass its findings must be those of diagnosing the file from scratch.</summary>
    private static async Task<int> GrowAndCompare(string path, string text, int pieces)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var firstLine = Array.IndexOf(bytes, (byte)'\n') + 1;
        await File.WriteAllBytesAsync(path, bytes[..firstLine]);
        var source = WatchSources.ForPath(path);
        Assert.IsType<TailRunSource>(source);
        var watcher = new RunWatcher(source);
        var compared = 0;
        var at = firstLine;
        var random = new Random(11);
        while (true)
        {
            var cycle = await watcher.TurnAsync();
            if (cycle.Changed)
            {
                var scratch = await FromScratch(path);
                Assert.Equal(scratch.Findings.Select(Render), cycle.Diagnosis!.Findings.Select(Render));
                Assert.Equal(scratch.Summary.Status, cycle.Diagnosis.Summary.Status);
                Assert.Equal(scratch.Run.LastStep, cycle.LastStep);
                compared++;
            }

            if (at == bytes.Length)
            {
                return compared;
            }

            var take = Math.Min(bytes.Length - at, Math.Max(1, random.Next(bytes.Length / pieces * 2)));
            await using (var f = new FileStream(path, FileMode.Append))
            {
                await f.WriteAsync(bytes.AsMemory(at, take));
            }

            at += take;
        }
    }

    [Fact]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_generated_log()
    {
        using var dir = new TempDir();
        var b = new StringBuilder();
        for (var i = 1; i <= 3000; i++)
        {
            // train loss falls, then spikes; validation loss turns up after step 1500; a NaN late on
            var loss = i == 2800 ? double.NaN : (2.0 / (1 + (i / 200.0))) + (i % 400 == 0 ? 3 : 0);
            b.Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {(double.IsNaN(loss) ? "NaN" : loss.ToString("R", CultureInfo.InvariantCulture))}, \"grad_norm\": {1 + (0.2 * Math.Sin(i)):R}, \"learning_rate\": {5e-5:R}");
            if (i % 50 == 0)
            {
                b.Append(CultureInfo.InvariantCulture, $", \"eval_loss\": {(1.0 / (1 + (i / 300.0))) + (i < 1500 ? 0 : (i - 1500) * 0.0004):R}");
            }

            b.Append("}\n");
        }

        var compared = await GrowAndCompare(dir.File("metrics.jsonl"), b.ToString(), 25);
        Assert.True(compared >= 10, $"{compared} full passes compared");
    }

    public static TheoryData<string> RealLogs() => ["hf-trainer-multi-eval-overfit", "hf-trainer-tinyllama-sft-causal-lm", "hf-trainer-t5-text-simplification-loss-rises", "hf-trainer-trocr-huge-grad-norm"];

    /// <summary>Real training logs (the entries of real <c>trainer_state.json</c> files, one JSON object per line, as a
    /// JSON Lines logger writes them), grown piece by piece.</summary>
    [SharedTheory]
    [MemberData(nameof(RealLogs))]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_real_log(string folder)
    {
        using var dir = new TempDir();
        using var state = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Fixtures.Shared(folder), "trainer_state.json")));
        var lines = string.Concat(state.RootElement.GetProperty("log_history").EnumerateArray().Select(e => e.GetRawText().Replace("\n", "", StringComparison.Ordinal) + "\n"));
        var compared = await GrowAndCompare(dir.File("log.jsonl"), lines, 12);
        Assert.True(compared >= 5, $"{compared} full passes compared");
    }

    public static TheoryData<string, string> BenchLogs() => new()
    {
        { "lr-too-high--clipped--s1", "runlens.jsonl" },
        { "overfitting--gru-tokens--s1", "runlens.jsonl" },
        { "vanishing-gradients--deep-tanh--s0", "runlens.jsonl" },
        { "exploding-gradients--rnn-relu-adam--s0", "metrics.jsonl" },
        { "lr-too-high--warmup--s0", "metrics.jsonl" },
        { "label-noise--symmetric--s0", "metrics.jsonl" },
    };

    /// <summary>Real trainings' logs (the diagnosis benchmark's runs: the Runlens callback's runlens.jsonl and plain
    /// JSON Lines loggers' metrics.jsonl), grown piece by piece.</summary>
    [Theory]
    [MemberData(nameof(BenchLogs))]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_real_training_log(string run, string file)
    {
        using var dir = new TempDir();
        var text = await File.ReadAllTextAsync(Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", run, "log", file));
        var compared = await GrowAndCompare(dir.File(file), text, 10);
        Assert.True(compared >= 4, $"{compared} full passes compared");
    }

    public static TheoryData<string, string> CsvLogs() => new()
    {
        { "lightning-csv-mnist-cnn", "metrics.csv" },
        { "keras-csvlogger-brats-unet-lr-plateau", "training.log" },
    };

    /// <summary>Real Lightning and Keras CSV logs (in <c>examples/</c>), grown piece by piece.</summary>
    [Theory]
    [MemberData(nameof(CsvLogs))]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_real_csv_log(string example, string file)
    {
        using var dir = new TempDir();
        var text = await File.ReadAllTextAsync(Path.Combine(Fixtures.Example(example), file));
        var compared = await GrowAndCompare(dir.File(file), text, 10);
        Assert.True(compared >= 4, $"{compared} full passes compared");
    }

    /// <summary>A real MLflow run (the GAN child run: two metric files of 63,000 points, FAILED), its metric files grown
    /// piece by piece: the full passes equal diagnoses from scratch.</summary>
    [SharedFact]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_real_mlflow_run()
    {
        using var dir = new TempDir();
        var source = Path.Combine(Fixtures.Shared("mlflow-tf-gan-nested-runs"), "mlruns", "1");
        var sourceRun = Path.Combine(source, "8927ca27bf0446c0a36f3aab196e73ed");
        var run = Path.Combine(dir.Path, "1", Path.GetFileName(sourceRun));
        Directory.CreateDirectory(Path.Combine(run, "metrics"));
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "1", "meta.yaml"), await File.ReadAllBytesAsync(Path.Combine(source, "meta.yaml")));
        foreach (var file in Directory.GetFiles(sourceRun, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != "metrics"))
        {
            var to = Path.Combine(run, Path.GetRelativePath(sourceRun, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            await File.WriteAllBytesAsync(to, await File.ReadAllBytesAsync(file)); // a copy that can be written (the corpus is read-only)
        }

        var metrics = Directory.GetFiles(Path.Combine(sourceRun, "metrics")).ToDictionary(f => Path.Combine(run, "metrics", Path.GetFileName(f)), File.ReadAllBytes);
        var written = metrics.Keys.ToDictionary(f => f, _ => 0);
        var watchSource = WatchSources.ForPath(run);
        Assert.IsType<TailRunSource>(watchSource);
        var watcher = new RunWatcher(watchSource);
        var random = new Random(17);
        var compared = 0;
        while (true)
        {
            var cycle = await watcher.TurnAsync();
            if (cycle.Changed)
            {
                var scratch = await FromScratch(run);
                Assert.Equal(scratch.Findings.Select(Render), cycle.Diagnosis!.Findings.Select(Render));
                Assert.Equal(scratch.Summary.Status, cycle.Diagnosis.Summary.Status);
                compared++;
            }

            var left = metrics.Keys.Where(f => written[f] < metrics[f].Length).ToList();
            if (left.Count == 0)
            {
                break;
            }

            foreach (var f in left)
            {
                var take = Math.Min(metrics[f].Length - written[f], random.Next(1, metrics[f].Length / 5));
                await using (var s = new FileStream(f, FileMode.Append))
                {
                    await s.WriteAsync(metrics[f].AsMemory(written[f], take));
                }

                written[f] += take;
            }
        }

        Assert.True(compared >= 4, $"{compared} full passes compared");
    }

    /// <summary>A real TensorBoard run whose loss turns NaN (Lightning), its event files grown piece by piece: the
    /// full passes equal diagnoses from scratch, and the divergence appears.</summary>
    [SharedFact]
    public async Task At_each_full_pass_the_findings_equal_a_diagnosis_from_scratch_of_a_real_tensorboard_run()
    {
        using var dir = new TempDir();
        var source = Fixtures.Shared("tensorboard-lightning-brain-tumor-nan-loss");
        var files = Directory.GetFiles(source, "events.out.tfevents.*").Order(StringComparer.Ordinal).ToList();
        File.Copy(Path.Combine(source, "hparams.yaml"), dir.File("hparams.yaml"));
        var bytes = files.ToDictionary(f => f, File.ReadAllBytes);
        var written = files.ToDictionary(f => f, f => Math.Min(64, bytes[f].Length));
        foreach (var f in files)
        {
            await File.WriteAllBytesAsync(dir.File(Path.GetFileName(f)), bytes[f][..written[f]]);
        }

        var watchSource = WatchSources.ForPath(dir.Path);
        Assert.IsType<TailRunSource>(watchSource);
        var watcher = new RunWatcher(watchSource);
        var random = new Random(13);
        var compared = 0;
        var divergence = false;
        while (true)
        {
            var cycle = await watcher.TurnAsync();
            divergence |= cycle.NewFindings.Any(f => f.RuleId == "RL0107");
            if (cycle.Changed)
            {
                var scratch = await FromScratch(dir.Path);
                Assert.Equal(scratch.Findings.Select(Render), cycle.Diagnosis!.Findings.Select(Render));
                compared++;
            }

            var left = files.Where(f => written[f] < bytes[f].Length).ToList();
            if (left.Count == 0)
            {
                break;
            }

            foreach (var f in left)
            {
                var take = Math.Min(bytes[f].Length - written[f], random.Next(1, Math.Max(2, bytes[f].Length / 8)));
                await using (var s = new FileStream(dir.File(Path.GetFileName(f)), FileMode.Append))
                {
                    await s.WriteAsync(bytes[f].AsMemory(written[f], take));
                }

                written[f] += take;
            }
        }

        Assert.True(compared >= 4, $"{compared} full passes compared");
        Assert.True(divergence);
    }

    [Fact]
    public async Task A_log_written_again_from_the_start_is_said_once_in_the_watch_output_and_diagnosed_afresh()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        static string Lines(int to, double scale) => string.Concat(Enumerable.Range(1, to).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {scale / (1 + (i / 20.0)):R}}}\n")));
        await File.WriteAllTextAsync(path, Lines(300, 2));
        var output = new StringWriter();
        var watcher = new LiveMonitor(output, json: true).Attach(new RunWatcher(WatchSources.ForPath(path)));
        await watcher.TurnAsync();

        await File.WriteAllTextAsync(path, Lines(50, 1.5)); // a new run writes the same file from the start
        var cycle = await watcher.TurnAsync();
        Assert.True(cycle.Changed);
        Assert.Equal(50, cycle.LastStep);
        Assert.Equal(50, cycle.Diagnosis!.Run.LastStep);
        await watcher.TurnAsync();

        var warnings = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("type").GetString() == "warning").ToList();
        var warning = Assert.Single(warnings);
        var (now, before) = (Encoding.UTF8.GetByteCount(Lines(50, 1.5)), Encoding.UTF8.GetByteCount(Lines(300, 2)));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"metrics.jsonl became shorter ({now:N0} bytes, {before:N0} were read): it was truncated or replaced; reading it again from the start"),
            warning.GetProperty("message").GetString());
        Assert.Equal(50, warning.GetProperty("step").GetInt64());
    }

    [Fact]
    public async Task A_NaN_loss_is_reported_by_the_look_that_reads_it_as_the_full_diagnosis_reports_it()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.jsonl");
        var b = new StringBuilder();
        for (var i = 1; i <= 20_000; i++)
        {
            b.Append(CultureInfo.InvariantCulture, $"{{\"step\": {i}, \"loss\": {2.0 / (1 + (i / 500.0)):R}, \"learning_rate\": 0.0001}}\n");
        }

        await File.WriteAllTextAsync(path, b.ToString());
        using var source = (TailRunSource)WatchSources.ForPath(path);
        var cycles = new List<WatchCycle>();
        var ready = new TaskCompletionSource();
        var found = new TaskCompletionSource<WatchCycle>();
        var watcher = new RunWatcher(source, options: new WatchOptions(TimeSpan.FromSeconds(30))).OnCycle((c, _) =>
        {
            lock (cycles)
            {
                cycles.Add(c);
            }

            if (c.Diagnosis is not null)
            {
                ready.TrySetResult();
            }

            if (c.NewFindings.Any(f => f.RuleId == "RL0107"))
            {
                found.TrySetResult(c);
            }

            return Task.CompletedTask;
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var running = watcher.RunAsync(null, stop.Token);
        await ready.Task.WaitAsync(stop.Token);
        Assert.DoesNotContain(watcher.Latest!.Findings, f => f.RuleId == "RL0107");

        await File.AppendAllTextAsync(path, "{\"step\": 20001, \"loss\": NaN, \"learning_rate\": 0.0001}\n", stop.Token);
        var cycle = await found.Task.WaitAsync(stop.Token);
        // a full pass waits 30 s here (the poll interval): the finding came from the look, before any full pass saw the NaN
        Assert.False(cycle.Changed);
        Assert.Equal(20_001, cycle.LastStep);
        var early = Assert.Single(cycle.NewFindings);
        var scratch = Assert.Single((await FromScratch(path)).Findings, f => f.RuleId == "RL0107");
        Assert.Equal(Render(scratch), Render(early));
        // the alert rules see it at once: the diagnosis the look hands on holds it, with the status it gives
        Assert.Contains(cycle.Diagnosis!.Findings, f => f.RuleId == "RL0107");
        Assert.Equal(Runlens.Analysis.Diagnoses.DiagnosisStatus.Critical, cycle.Diagnosis.Summary.Status);
        await stop.CancelAsync();
        await running;
    }
}
