using System.Text.Json;
using Runlens.Import;
using Runlens.Import.Core;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Folders;

/// <summary>Folders that no single format claims whole: one log under any name, batch logs, runs that share a file name,
/// and parents of many runs in mixed formats (every run found, and a line for what was left out and why).</summary>
public sealed class FolderImportTests
{
    private static string Test(string relative) => Fixtures.Test("import/" + relative);

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public async Task A_folder_holding_one_metric_log_under_any_name_is_that_run()
    {
        var folder = Test("csv-training-log/resnet18-cifar10");
        var importer = ImporterCatalog.Detect(folder);
        Assert.Equal(CsvMetricsImporter.FormatId, importer.Format);

        var result = await importer.ImportAsync(folder, ImportContext.None);
        var run = Assert.Single(result.Runs);
        Assert.Empty(result.Skipped);
        Assert.Equal("resnet18-cifar10", run.Identity.Name); // training_log.csv is a name many runs share
        Assert.Equal(Path.Combine(folder, "training_log.csv"), run.Identity.Source.Path);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 391L * i), run.Get(MetricNames.TrainLoss)!.Steps());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i), run.Get(MetricNames.TrainLoss)!.Points.Select(p => p.Epoch));
        Assert.Equal(10, run.Get(MetricNames.ValLoss)!.Count);
        Assert.DoesNotContain(run.Series.Keys, k => k.Contains("elapsed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_batch_counter_is_never_a_metric_and_makes_each_row_a_step()
    {
        var file = Test("csv-training-log/mlp-batches/batch_log.csv");
        var run = Assert.Single((await ImporterCatalog.ImportAsync(file)).Runs);

        Assert.Equal(["train/accuracy", MetricNames.TrainLoss], run.Series.Keys);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), loss.Steps()); // one row per batch, not the epoch
        Assert.Equal([0.0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], loss.Points.Select(p => p.Epoch));
        Assert.Contains(run.Events, e => e.Message.Contains("'Batch', 'samples/s' count or time the training", StringComparison.Ordinal));
        Assert.Contains(run.Events, e => e.Message.Contains("one row per batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_keras_histories_with_one_file_name_are_named_after_their_folders()
    {
        var parent = Test("keras-twins");
        var result = await ImporterCatalog.ImportAsync(parent);

        Assert.Equal(["augmented", "baseline"], result.Runs.Select(r => r.Identity.Name));
        Assert.Equal(2, result.Runs.Select(r => r.Identity.Id).Distinct().Count());
        Assert.All(result.Runs, r => Assert.Equal("keras-history", r.Identity.Source.Format));
    }

    [Fact]
    public async Task Runs_whose_folders_share_a_name_are_named_by_their_path_under_the_parent()
    {
        using var tmp = new TempDir();
        var history = Path.Combine(Test("keras-twins"), "baseline", "model_history.json");
        File.Copy(history, tmp.File("sweep-1/exp/model_history.json"));
        File.Copy(history, tmp.File("sweep-2/exp/model_history.json"));

        var result = await ImporterCatalog.ImportAsync(tmp.Path);
        Assert.Equal(["sweep-1/exp", "sweep-2/exp"], result.Runs.Select(r => r.Identity.Name));
        Assert.Equal(2, result.Runs.Select(r => r.Identity.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_parent_of_runs_in_mixed_formats_yields_every_run_and_a_reason_for_what_it_left_out()
    {
        using var tmp = new TempDir();
        var p = tmp.Path;
        CopyTree(Fixtures.Example("hf-trainer-multi-eval-overfit"), Path.Combine(p, "hf-overfit"));
        CopyTree(Fixtures.Example("lightning-csv-mnist-cnn"), Path.Combine(p, "lightning", "lightning_logs", "version_0"));
        CopyTree(Fixtures.Example("tensorboard-lightning-mnist-cnn-fit-validate-test"), Path.Combine(p, "tb", "version_1"));
        CopyTree(Test("llama-factory"), Path.Combine(p, "llm"));
        CopyTree(Test("wandb-old"), Path.Combine(p, "old-wandb"));
        CopyTree(Test("csv-training-log/resnet18-cifar10"), Path.Combine(p, "custom", "resnet18-cifar10"));
        CopyTree(Test("keras-twins"), Path.Combine(p, "keras"));
        CopyTree(Test("config-cross-format/mlflow"), Path.Combine(p, "tracking"));
        await File.WriteAllTextAsync(Path.Combine(p, "predictions.csv"), "example_id,label,predicted\n1,cat,cat\n2,dog,cat\n");
        await File.WriteAllTextAsync(tmp.File("notes/sweep.yaml"), "lr: [0.1, 0.01]\n");
        await File.WriteAllTextAsync(tmp.File("notes/README.md"), "# notes\n");
        await File.WriteAllTextAsync(tmp.File("empty/log.csv"), "");
        await File.WriteAllTextAsync(tmp.File("README.md"), "# runs\n");
        await File.WriteAllTextAsync(tmp.File("recorded/process.json"), "{\"command\": [\"python\", \"train.py\"]}");
        await File.WriteAllTextAsync(tmp.File("recorded/system.jsonl"), "{\"time\": 1700000000.0, \"cpu_percent\": 98.5}\n");

        var importer = ImporterCatalog.Detect(p);
        Assert.Equal(FolderImporter.FormatId, importer.Format);
        var result = await importer.ImportAsync(p, ImportContext.None);

        var formats = result.Runs.Select(r => r.Identity.Source.Format).Order(StringComparer.Ordinal);
        Assert.Equal(["csv", "hf-trainer-state", "keras-history", "keras-history", "lightning-csv", "llama-factory", "mlflow", "tensorboard", "wandb"], formats);
        Assert.Equal(result.Runs.Length, result.Runs.Select(r => r.Identity.Name).Distinct().Count());
        Assert.Equal(result.Runs.Length, result.Runs.Select(r => r.Identity.Id).Distinct().Count());

        var skipped = result.Skipped.ToDictionary(s => Path.GetRelativePath(p, s.Path), s => s.Reason);
        Assert.Equal(["empty/log.csv", "notes", "predictions.csv", "recorded"], skipped.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("a folder written by runlens run", skipped["recorded"], StringComparison.Ordinal);
        Assert.StartsWith("per-example predictions", skipped["predictions.csv"], StringComparison.Ordinal);
        Assert.StartsWith("holds no training log Runlens reads (sweep.yaml: a config file", skipped["notes"], StringComparison.Ordinal);
        Assert.Contains("the file is empty", skipped["empty/log.csv"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_with_no_log_at_all_is_an_error_naming_what_it_holds()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("preds/predictions.csv"), "example_id,label,predicted\n1,cat,cat\n");

        var ex = Assert.Throws<RunImportException>(() => ImporterCatalog.Detect(tmp.Path));
        Assert.Contains("no training log", ex.Cause, StringComparison.Ordinal);
        Assert.Contains("per-example predictions", ex.Cause, StringComparison.Ordinal);
    }

    [SharedFact]
    public async Task The_shared_corpus_read_as_one_parent_gives_every_runs_of_every_folder()
    {
        var root = Fixtures.SharedReal!;
        var result = await ImporterCatalog.ImportAsync(root);

        // every folder's runs, exactly as reading that folder by itself gives them
        var expected = new List<(string Id, string Source)>();
        foreach (var folder in Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith("predictions-", StringComparison.Ordinal)))
        {
            expected.AddRange((await ImporterCatalog.ImportAsync(folder)).Runs.Select(r => (r.Identity.Id, r.Identity.Source.Path)));
        }

        Assert.Equal(expected.Order(), result.Runs.Select(r => (r.Identity.Id, r.Identity.Source.Path)).Order());
        Assert.Equal(result.Runs.Length, result.Runs.Select(r => r.Identity.Id).Distinct().Count());
        var skipped = result.Skipped.Select(s => Path.GetFileName(s.Path)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["predictions-binary-window-detection-probabilities", "predictions-finance-news-sentiment"], skipped);
        Assert.All(result.Skipped, s => Assert.Contains("per-example predictions", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_line_prints_a_line_for_each_path_it_left_out()
    {
        using var tmp = new TempDir();
        CopyTree(Test("keras-twins"), Path.Combine(tmp.Path, "keras"));
        CopyTree(Test("llama-factory"), Path.Combine(tmp.Path, "llm"));
        var predictions = tmp.File("predictions.csv");
        await File.WriteAllTextAsync(predictions, "example_id,label,predicted\n1,cat,cat\n");

        var r = await RunlensProcess.RunAsync("analyze", tmp.Path, "--format", "json");

        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StdOut);
        Assert.Equal(3, doc.RootElement.GetProperty("runs").GetArrayLength());
        Assert.Contains($"runlens: skipped {predictions}: per-example predictions", r.StdErr, StringComparison.Ordinal);
    }
}
