using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Each real log is detected as its own format, and these importers claim nothing of the other formats.</summary>
public sealed class TabularDetectionTests
{
    private static readonly IRunImporter[] Tabular =
    [
        new LightningCsvImporter(), new KerasCsvImporter(), new KerasHistoryImporter(), new CsvMetricsImporter(), new JsonlMetricsImporter(),
    ];

    private static readonly string[] OwnPrefixes = ["lightning-csv-", "keras-csvlogger-", "keras-history-json-"];

    [SharedTheory]
    [InlineData("lightning-csv-mnist-cnn", "", "lightning-csv")]
    [InlineData("lightning-csv-mnist-cnn", "metrics.csv", "lightning-csv")]
    [InlineData("lightning-csv-forecast-val-loss-rises", "", "lightning-csv")]
    [InlineData("lightning-csv-forecast-val-loss-rises", "metrics.csv", "lightning-csv")]
    [InlineData("lightning-csv-forecast-noisy-val", "", "lightning-csv")]
    [InlineData("lightning-csv-constant-train-loss", "", "lightning-csv")]
    [InlineData("lightning-csv-constant-train-loss", "metrics.csv", "lightning-csv")]
    [InlineData("keras-csvlogger-brats-unet-lr-plateau", "", "keras-csv")]
    [InlineData("keras-csvlogger-brats-unet-lr-plateau", "training.log", "keras-csv")]
    [InlineData("keras-csvlogger-brain-tumor-flat-val-accuracy", "", "keras-csv")]
    [InlineData("keras-csvlogger-brain-tumor-flat-val-accuracy", "training.log", "keras-csv")]
    [InlineData("keras-history-json-glove-lstm-tweets-overfit", "training_history.json", "keras-history")]
    [InlineData("keras-history-json-glove-lstm-tweets-overfit", "", "keras-history")]
    [InlineData("keras-history-json-pneumonia-unstable-early-val", "training_history.json", "keras-history")]
    [InlineData("keras-history-json-brain-tumor-lr-schedule", "training_history.json", "keras-history")]
    [InlineData("keras-history-json-brain-tumor-lr-schedule", "", "keras-history")]
    public async Task Each_real_log_is_detected_as_its_own_format(string folder, string file, string format)
    {
        var path = file.Length == 0 ? Fixtures.Shared(folder) : Path.Combine(Fixtures.Shared(folder), file);
        var importer = ImporterCatalog.Detect(path);
        Assert.Equal(format, importer.Format);
        var run = Assert.Single((await ImporterCatalog.ImportAsync(path)).Runs);
        Assert.Equal(format, run.Identity.Source.Format);
        Assert.Equal(folder, run.Identity.Name);
        Assert.NotEmpty(run.Series);
    }

    [SharedFact]
    public void No_tabular_importer_claims_any_file_or_folder_of_the_other_formats()
    {
        var root = Fixtures.SharedReal!;
        var checkedPaths = 0;
        foreach (var fixture in Directory.EnumerateDirectories(root).Where(d => !OwnPrefixes.Any(p => Path.GetFileName(d).StartsWith(p, StringComparison.Ordinal))))
        {
            var paths = new List<string> { fixture };
            paths.AddRange(Directory.EnumerateDirectories(fixture, "*", SearchOption.AllDirectories));
            paths.AddRange(Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories));
            foreach (var path in paths)
            {
                foreach (var importer in Tabular)
                {
                    Assert.True(importer.Detect(path) == 0, $"{importer.Format} claims {Path.GetRelativePath(root, path)} ({importer.Detect(path)})");
                }

                checkedPaths++;
            }
        }

        Assert.True(checkedPaths > 100, $"only {checkedPaths} paths looked at");
    }

    [SharedFact]
    public void The_other_importers_leave_the_tabular_fixtures_alone()
    {
        var root = Fixtures.SharedReal!;
        var others = ImporterCatalog.All.Where(i => !Tabular.Any(t => t.Format == i.Format)).ToList();
        Assert.NotEmpty(others);
        foreach (var fixture in Directory.EnumerateDirectories(root).Where(d => OwnPrefixes.Any(p => Path.GetFileName(d).StartsWith(p, StringComparison.Ordinal))))
        {
            foreach (var path in Directory.EnumerateFiles(fixture).Append(fixture))
            {
                foreach (var importer in others)
                {
                    Assert.True(importer.Detect(path) == 0, $"{importer.Format} claims {Path.GetRelativePath(root, path)}");
                }
            }
        }
    }

    [Fact]
    public async Task Generic_logs_are_detected_below_the_specific_formats()
    {
        using var tmp = new TempDir();
        async Task<string> Write(string name, string text)
        {
            var file = tmp.File(name);
            await File.WriteAllTextAsync(file, text);
            return file;
        }

        var generic = await Write("train_log.csv", "global_step,epoch,loss,lr\n10,0.1,2.0,1e-4\n");
        Assert.Equal("csv", ImporterCatalog.Detect(generic).Format);
        Assert.Equal(40, new CsvMetricsImporter().Detect(generic));

        var kerasNamedCsv = await Write("history.csv", "epoch,loss,val_loss\n0,1.0,1.1\n");
        Assert.Equal("keras-csv", ImporterCatalog.Detect(kerasNamedCsv).Format);
        Assert.Equal(35, new CsvMetricsImporter().Detect(kerasNamedCsv));

        var lightning = await Write("v/metrics.csv", "epoch,step,train_loss\n0,1,0.5\n");
        Assert.Equal("lightning-csv", ImporterCatalog.Detect(lightning).Format);
        Assert.Equal("lightning-csv", ImporterCatalog.Detect(Path.GetDirectoryName(lightning)!).Format);
        Assert.Equal(0, new KerasCsvImporter().Detect(lightning));

        var noStep = await Write("curve.csv", "train_loss,val_loss\n1,2\n");
        Assert.Equal(20, new CsvMetricsImporter().Detect(noStep));

        var jsonl = await Write("log.jsonl", "{\"step\": 1, \"loss\": NaN}\n");
        Assert.Equal("jsonl", ImporterCatalog.Detect(jsonl).Format);
        Assert.Equal(35, new JsonlMetricsImporter().Detect(jsonl));

        var history = await Write("h.json", "{\"history\": {\"loss\": [NaN, 1.0], \"val_loss\": [2.0, 1.5]}, \"params\": {\"epochs\": 2}}");
        Assert.Equal("keras-history", ImporterCatalog.Detect(history).Format);
        var custom = await Write("custom.json", "{\"dice\": [0.1, 0.2]}");
        Assert.Equal(30, new KerasHistoryImporter().Detect(custom));

        Assert.Equal(0, new CsvMetricsImporter().Detect(await Write("preds.csv", "example_id,label,predicted,prob_a,prob_b\n1,a,a,0.9,0.1\n")));
        Assert.Equal(0, new CsvMetricsImporter().Detect(await Write("table.csv", "name,city\nann,rome\n")));
        Assert.Equal(0, new KerasHistoryImporter().Detect(await Write("summary.json", "{\"loss\": 0.5, \"acc\": [0.1]}")));
        Assert.Equal(0, new KerasHistoryImporter().Detect(await Write("objects.json", "{\"log_history\": [{\"loss\": 1}]}")));
        Assert.Equal(0, new JsonlMetricsImporter().Detect(await Write("text.jsonl", "{\"msg\": \"hello\"}\n")));
        Assert.Equal(0, new KerasCsvImporter().Detect(await Write("out.log", "Epoch 1/10\nloss: 0.5\n")));
    }

    [Theory]
    [InlineData("v/metrics.csv", "lightning-csv")]
    [InlineData("log.csv", "csv")]
    [InlineData("log.jsonl", "jsonl")]
    public async Task An_empty_log_is_claimed_weakly_so_the_error_is_precise(string name, string format)
    {
        using var tmp = new TempDir();
        var file = tmp.File(name);
        await File.WriteAllTextAsync(file, "");
        Assert.Equal(format, ImporterCatalog.Detect(file).Format);
        var ex = await Assert.ThrowsAsync<RunImportException>(() => ImporterCatalog.ImportAsync(file));
        Assert.Equal(file, ex.File);
        Assert.Contains("empty", ex.Cause, StringComparison.Ordinal);
    }
}
