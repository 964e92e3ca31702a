using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Runlens.Agent.Experiments;
using Runlens.Agent.Tools;
using Runlens.Import;
using Runlens.Import.Output;
using Runlens.Tests.Support;

namespace Runlens.Tests.Agent;

/// <summary>The reference PyTorch trainer (<c>clients/python/runlens_trainer.py train</c>) run as the agent runs it, on
/// the data sets it reads besides scikit-learn's (a CSV with a named label column, a user's module), with a bad CSV, and
/// obeying a <c>stop</c> written to its <c>control.json</c> while it trains.</summary>
public sealed class ReferenceTrainerTests
{
    [TorchFact]
    public async Task A_csv_with_a_named_label_column_and_a_users_module_train_to_predictions_with_the_data_sets_labels()
    {
        using var dir = new TempDir();
        ProjectLayout.Scaffold(dir.Path);
        var csv = Path.Combine(dir.Path, "blobs.csv");
        File.WriteAllText(csv, Blobs());
        File.WriteAllText(Path.Combine(dir.Path, "data.py"), """
            import numpy as np


            def load():
                rng = np.random.default_rng(3)
                X = np.concatenate([rng.normal(-3, 1, (60, 2)), rng.normal(3, 1, (60, 2))])
                y = np.array(["low"] * 60 + ["high"] * 60)
                return X, y
            """);

        foreach (var (dataset, label, classes) in new[] { ("csv:" + csv, "kind", new[] { "cat", "dog" }), ("module:" + Path.Combine(dir.Path, "data.py") + ":load", null, new[] { "high", "low" }) })
        {
            var name = dataset[..dataset.IndexOf(':', StringComparison.Ordinal)];
            var config = await ConfigAsync(dir.Path, name, new DatasetConfig(dataset, Target: label), epochs: 5);
            var out_ = Path.Combine(dir.Path, "experiments", name);

            var (exit, stderr) = await TrainAsync(dir.Path, config, out_, TimeSpan.FromMinutes(2));

            Assert.True(exit == 0, $"{name}: exit {exit}: {stderr}");
            var lines = File.ReadAllLines(Path.Combine(out_, "predictions.csv"));
            Assert.Equal("example_id,label,predicted," + string.Join(",", classes.Select(c => "prob_" + c)), lines[0]);
            Assert.Equal(30, lines.Length - 1); // a quarter of 120 rows
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.All(rows, r => Assert.Contains(r[1], classes));
            Assert.All(rows, r => Assert.Equal(1.0, r.Skip(3).Sum(p => double.Parse(p, CultureInfo.InvariantCulture)), 5));
            Assert.True(rows.Count(r => r[1] == r[2]) >= 27, $"{name}: {rows.Count(r => r[1] == r[2])} of 30 right on well-separated blobs");
            var run = (await ImporterCatalog.ImportAsync(Path.Combine(out_, "runlens.jsonl"), ImportContext.None)).Runs[0];
            Assert.True(run.Has("val/loss"), string.Join(", ", run.Series.Keys));
            Assert.Equal(5, run.Get("val/loss")!.Count);
        }

        var bad = await ConfigAsync(dir.Path, "bad", new DatasetConfig("csv:" + csv, Target: "species"), epochs: 1);
        var (code, error) = await TrainAsync(dir.Path, bad, Path.Combine(dir.Path, "experiments", "bad"), TimeSpan.FromMinutes(1));
        Assert.Equal(2, code);
        Assert.Equal($"runlens_trainer: dataset.source 'csv:{csv}': no column 'species'; name the label column with dataset.target", error.Trim());
    }

    [TorchFact]
    public async Task A_stop_written_to_control_json_while_it_trains_ends_training_early_with_predictions_and_the_note_in_its_log()
    {
        using var dir = new TempDir();
        ProjectLayout.Scaffold(dir.Path);
        var config = await ConfigAsync(dir.Path, "long", new DatasetConfig("sklearn:digits"), epochs: 400);
        var out_ = Path.Combine(dir.Path, "experiments", "long");
        Directory.CreateDirectory(out_);
        var control = Path.Combine(out_, ControlDocument.FileName);
        File.WriteAllText(control, ControlDocument.Empty("long").ToJson());

        var training = TrainAsync(dir.Path, config, out_, TimeSpan.FromMinutes(3));
        var log = Path.Combine(out_, "runlens.jsonl");
        var waited = Stopwatch.StartNew();
        while (!(File.Exists(log) && File.ReadLines(log).Count(l => l.Contains("eval_loss", StringComparison.Ordinal)) >= 2) && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(100);
        }

        var stop = ControlDocument.Empty("long").With(new ControlAction("a1", ControlVerb.Stop, "the test stops it", DateTimeOffset.UtcNow));
        File.WriteAllText(control + ".tmp", stop.ToJson());
        File.Move(control + ".tmp", control, overwrite: true);
        var (exit, stderr) = await training;

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.True(File.Exists(Path.Combine(out_, "predictions.csv")));
        Assert.Contains(File.ReadLines(log), l => l.Contains("control a1: stop", StringComparison.Ordinal));
        var run = (await ImporterCatalog.ImportAsync(Path.Combine(out_, "runlens.jsonl"), ImportContext.None)).Runs[0];
        Assert.True(run.Has("val/loss"), string.Join(", ", run.Series.Keys));
        var epochs = run.Get("val/loss")!.Count;
        Assert.InRange(epochs, 1, 399);
    }

    private static string Blobs()
    {
        var random = new Random(11);
        var b = new StringBuilder("x1,kind,x2,x3\n");
        for (var i = 0; i < 120; i++)
        {
            var dog = i % 2 == 1;
            double Draw() => (dog ? 3 : -3) + (random.NextDouble() - 0.5) * 2;
            b.Append(CultureInfo.InvariantCulture, $"{Draw():0.000},{(dog ? "dog" : "cat")},{Draw():0.000},{Draw():0.000}\n");
        }

        return b.ToString();
    }

    private static async Task<string> ConfigAsync(string project, string id, DatasetConfig dataset, int epochs)
    {
        var model = new ModelConfig("mlp", Hidden: [16]);
        var code = Path.Combine(project, "models", id + ".py");
        await File.WriteAllTextAsync(code, ModelAssembler.Assemble(model));
        return await ExperimentFile.WriteAsync(project, id, "corr", new ExperimentConfig(dataset, model, new TrainingConfig("adam", 0.01, epochs, 16)), code, 4096);
    }

    private static async Task<(int? Exit, string Stderr)> TrainAsync(string project, string config, string out_, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(TorchFactAttribute.Python) { WorkingDirectory = project, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AgentTestKit.Callback, "runlens_trainer.py"), "train", "--config", config, "--seed", "1", "--out", out_ })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (null, "timed out");
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }
}
