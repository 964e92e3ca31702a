using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Real Lightning CSVLogger output; expected values were read from the files with python3's csv module, not from
/// this importer.</summary>
public sealed class LightningCsvRealRunTests
{
    private readonly LightningCsvImporter _importer = new();

    private async Task<Run> ImportAsync(string path)
    {
        var result = await _importer.ImportAsync(path, ImportContext.None);
        return Assert.Single(result.Runs);
    }

    [SharedTheory]
    [InlineData("lightning-csv-mnist-cnn")]
    [InlineData("lightning-csv-forecast-val-loss-rises")]
    [InlineData("lightning-csv-forecast-noisy-val")]
    [InlineData("lightning-csv-constant-train-loss")]
    public async Task Every_real_version_folder_and_its_metrics_file_import_cleanly(string folder)
    {
        var dir = Fixtures.Shared(folder);
        Assert.Equal(90, _importer.Detect(dir));
        Assert.Equal(95, _importer.Detect(Path.Combine(dir, "metrics.csv")));

        var run = await ImportAsync(dir);
        Assert.Equal("lightning-csv", run.Identity.Source.Format);
        Assert.Equal(folder, run.Identity.Name);
        Assert.Null(run.Identity.Experiment);
        Assert.Equal(RunIds.FromPath(dir), run.Identity.Id);
        Assert.Empty(run.Events);
        Assert.DoesNotContain(run.Series.Keys, k => k.Contains("epoch", StringComparison.Ordinal) || k.Contains("step", StringComparison.Ordinal));

        var fromFile = await ImportAsync(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(run.Identity.Id, fromFile.Identity.Id);
        Assert.Equal(folder, fromFile.Identity.Name);
        Assert.Equal(run.Series.Keys, fromFile.Series.Keys);
        Assert.Equal(run.Config.Values.Keys, fromFile.Config.Values.Keys);
    }

    [SharedFact]
    public async Task Reads_the_sparse_mnist_rows_into_train_val_and_test_series()
    {
        var run = await ImportAsync(Fixtures.Shared("lightning-csv-mnist-cnn"));

        Assert.Equal(["test/loss", "train/loss", "val/accuracy", "val/loss"], run.Series.Keys);
        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("train_loss", train.OriginalName);
        Assert.Equal(171, train.Count);
        Assert.Equal(new SeriesPoint(49, 0.634955883026123, 0), train.First);
        Assert.Equal(new SeriesPoint(8549, 0.021989192813634872, 4), train.Last);
        var lowest = train.Points.MinBy(p => p.Value);
        Assert.Equal(8499, lowest.Step);
        Assert.Equal(0.00021323924011085182, lowest.Value);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal("val_loss", val.OriginalName);
        Assert.Equal(6, val.Count);
        Assert.Equal(new SeriesPoint(1718, 0.07106363773345947, 0), val.First);
        Assert.Equal(new SeriesPoint(8595, 0.01422041654586792, 5), val.Last);
        Assert.Equal(val.Last, val.Points.MinBy(p => p.Value));

        var acc = run.Get("val/accuracy")!;
        Assert.Equal(6, acc.Count);
        Assert.Equal(0.9761999845504761, acc.First.Value);
        Assert.Equal(0.996399998664856, acc.Last.Value);

        var test = Assert.Single(run.Get("test/loss")!.Points);
        Assert.Equal(new SeriesPoint(8595, 0.0322248712182045, 5), test);
        Assert.Equal(8595, run.Trainer.GlobalStep);
        Assert.Equal(0, run.Config.Count); // this version folder has no hparams.yaml
    }

    [SharedFact]
    public async Task Reads_the_forecast_run_whose_val_loss_bottoms_at_epoch_6_and_its_hparams()
    {
        var run = await ImportAsync(Fixtures.Shared("lightning-csv-forecast-val-loss-rises"));

        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(14, train.Count);
        Assert.Equal(new SeriesPoint(248, 0.2661575973033905, 0), train.First);
        Assert.Equal(new SeriesPoint(3485, 0.0898916944861412, 13), train.Last);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(14, val.Count);
        Assert.Equal(new SeriesPoint(248, 0.21016594767570496, 0), val.First);
        Assert.Equal(new SeriesPoint(1742, 0.15663357079029083, 6), val.Points.MinBy(p => p.Value));
        Assert.Equal(new SeriesPoint(3485, 0.21957628428936005, 13), val.Last);
        Assert.Equal(train.Steps(), val.Steps()); // the same steps, on separate rows

        Assert.Equal(8, run.Config.Count);
        Assert.Equal(0.1, run.Config.Number("dropout"));
        Assert.Equal(96, run.Config.Number("hidden_dim"));
        Assert.Equal(12, run.Config.Number("input_dim"));
        Assert.Equal(0.001, run.Config.Number("learning_rate"));
        Assert.Equal(168, run.Config.Number("seq_len"));
    }

    [SharedFact]
    public async Task Reads_the_noisy_forecast_run()
    {
        var run = await ImportAsync(Fixtures.Shared("lightning-csv-forecast-noisy-val"));

        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(17, train.Count);
        Assert.Equal(0.4107276201248169, train.First.Value);
        Assert.Equal(new SeriesPoint(3875, 0.011687605641782284, 16), train.Last);
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(17, val.Count);
        Assert.Equal(new SeriesPoint(227, 0.41975829005241394, 0), val.First);
        Assert.Equal(new SeriesPoint(2279, 0.008238007314503193, 9), val.Points.MinBy(p => p.Value));
        Assert.Equal(new SeriesPoint(3875, 0.052304357290267944, 16), val.Last);
        Assert.Equal(16, run.Config.Number("input_dim"));
    }

    [SharedFact]
    public async Task Reads_the_constant_loss_run_and_its_empty_hparams()
    {
        var run = await ImportAsync(Fixtures.Shared("lightning-csv-constant-train-loss"));

        var loss = Assert.Single(run.Series).Value;
        Assert.Equal("train/loss_batch", loss.Key);
        Assert.Equal("train_loss_batch", loss.OriginalName);
        Assert.Equal(74, loss.Count);
        Assert.All(loss.Points, p => Assert.Equal(16.74222755432129, p.Value));
        Assert.All(loss.Points, p => Assert.Equal(0, p.Epoch));
        Assert.Equal(1299, loss.First.Step);
        Assert.Equal(4949, loss.Last.Step);
        Assert.Equal(0, run.Config.Count); // hparams.yaml is "{}"
        Assert.Empty(run.Events);
    }

    [Fact]
    public async Task Reads_the_example_copy_of_the_mnist_run()
    {
        var dir = Fixtures.Example("lightning-csv-mnist-cnn");
        Assert.Same(typeof(LightningCsvImporter), ImporterCatalog.Detect(dir).GetType());
        var run = await ImportAsync(dir);
        Assert.Equal(171, run.Get(MetricNames.TrainLoss)!.Count);
        Assert.Equal(6, run.Get(MetricNames.ValLoss)!.Count);
        Assert.Equal(0.01422041654586792, run.Get(MetricNames.ValLoss)!.Last.Value);
        Assert.Equal(0.0322248712182045, run.Get("test/loss")!.Last.Value);
    }

    [Fact]
    public async Task Reads_a_logger_folder_of_version_folders_as_one_run_each_in_version_order()
    {
        using var tmp = new TempDir();
        var source = await File.ReadAllTextAsync(Path.Combine(Fixtures.Example("lightning-csv-mnist-cnn"), "metrics.csv"));
        foreach (var v in new[] { 10, 2, 0 })
        {
            await File.WriteAllTextAsync(tmp.File($"lightning_logs/version_{v}/metrics.csv"), source);
        }

        await File.WriteAllTextAsync(tmp.File("lightning_logs/version_2/hparams.yaml"), "lr: 0.01\nmodel:\n  layers: [32, 64]\n  name: cnn\n");
        var logs = Path.Combine(tmp.Path, "lightning_logs");
        Assert.Equal(85, _importer.Detect(logs));
        Assert.Equal(80, _importer.Detect(tmp.Path));

        var runs = (await _importer.ImportAsync(tmp.Path, ImportContext.None)).Runs;
        Assert.Equal(["version_0", "version_2", "version_10"], runs.Select(r => r.Identity.Name));
        Assert.All(runs, r => Assert.Equal("lightning_logs", r.Identity.Experiment));
        Assert.All(runs, r => Assert.Equal(171, r.Get(MetricNames.TrainLoss)!.Count));
        Assert.Equal(0.01, runs[1].Config.Number("lr"));
        Assert.Equal("[32, 64]", runs[1].Config.Get("model.layers")!.Value.Text);
        Assert.Equal("cnn", runs[1].Config.Get("model.name")!.Value.Text);
        Assert.Equal(3, runs.Select(r => r.Identity.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_version_that_cannot_be_read_stays_visible_beside_the_others()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp.File("logs/version_0/metrics.csv"), "epoch,step,train_loss\n0,10,0.5\n");
        await File.WriteAllTextAsync(tmp.File("logs/version_1/metrics.csv"), "epoch,step,train_loss\n");

        var runs = (await _importer.ImportAsync(Path.Combine(tmp.Path, "logs"), ImportContext.None)).Runs;
        Assert.Equal(2, runs.Length);
        Assert.Equal([0.5], runs[0].Get(MetricNames.TrainLoss)!.Values());
        Assert.Empty(runs[1].Series);
        var damage = Assert.Single(runs[1].Events);
        Assert.Equal(RunEventKind.ImportDamage, damage.Kind);
        Assert.Equal("line 2", damage.Location);
        Assert.EndsWith("metrics.csv", damage.File, StringComparison.Ordinal);

        await File.WriteAllTextAsync(tmp.File("logs/version_0/metrics.csv"), "");
        var ex = await Assert.ThrowsAsync<RunImportException>(() => _importer.ImportAsync(Path.Combine(tmp.Path, "logs"), ImportContext.None));
        Assert.EndsWith("metrics.csv", ex.File, StringComparison.Ordinal);
    }
}
