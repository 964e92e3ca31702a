using Runlens.Import;
using Runlens.Import.Tabular;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Tabular;

/// <summary>Real Keras CSVLogger logs and History dumps; expected values were read from the files with python3 (csv, json),
/// not from these importers.</summary>
public sealed class KerasRealRunTests
{
    private static async Task<Run> ImportAsync(IRunImporter importer, string path)
    {
        var result = await importer.ImportAsync(path, ImportContext.None);
        return Assert.Single(result.Runs);
    }

    [SharedTheory]
    [InlineData("keras-csvlogger-brats-unet-lr-plateau", 12, 24)]
    [InlineData("keras-csvlogger-brain-tumor-flat-val-accuracy", 16, 35)]
    public async Task Every_real_csv_logger_file_and_its_folder_import_cleanly(string folder, int columns, int epochs)
    {
        var importer = new KerasCsvImporter();
        var dir = Fixtures.Shared(folder);
        var file = Path.Combine(dir, "training.log");
        Assert.Equal(90, importer.Detect(file));
        Assert.Equal(80, importer.Detect(dir));

        var run = await ImportAsync(importer, file);
        Assert.Equal("keras-csv", run.Identity.Source.Format);
        Assert.Equal(folder, run.Identity.Name);
        Assert.Empty(run.Events);
        Assert.Equal(columns - 1, run.Series.Count); // every column but epoch
        Assert.All(run.Series.Values, s => Assert.Equal(epochs, s.Count));
        Assert.All(run.Series.Values, s => Assert.Equal(Enumerable.Range(0, epochs).Select(i => (long)i), s.Steps()));
        Assert.All(run.Series.Values, s => Assert.All(s.Points, p => Assert.Equal(p.Step, p.Epoch)));
        Assert.Equal(epochs - 1, run.Trainer.GlobalStep);

        var fromFolder = await ImportAsync(importer, dir);
        Assert.Equal(run.Series.Keys, fromFolder.Series.Keys);
    }

    [SharedFact]
    public async Task Reads_the_brats_unet_log_with_its_learning_rate_plateaus()
    {
        var run = await ImportAsync(new KerasCsvImporter(), Path.Combine(Fixtures.Shared("keras-csvlogger-brats-unet-lr-plateau"), "training.log"));

        Assert.Equal(
            ["train/accuracy", "train/dice_coef", "train/learning_rate", "train/loss", "train/mean_io_u_5", "train/precision",
             "val/accuracy", "val/dice_coef", "val/loss", "val/mean_io_u_5", "val/precision"],
            run.Series.Keys);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("loss", loss.OriginalName);
        Assert.Equal(new SeriesPoint(0, 0.05603187158703804, 0), loss.First);
        Assert.Equal(new SeriesPoint(23, 0.02580178715288639, 23), loss.Last);
        Assert.Equal(21, loss.Points.MinBy(p => p.Value).Step);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal("val_loss", val.OriginalName);
        Assert.Equal(0.05463637784123421, val.First.Value);
        Assert.Equal(new SeriesPoint(13, 0.0344739630818367, 13), val.Points.MinBy(p => p.Value));
        Assert.Equal(0.034485723823308945, val.Last.Value);

        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal("lr", lr.OriginalName);
        Assert.Equal(0.001, lr.First.Value);
        Assert.Equal(1e-06, lr.Last.Value);
        Assert.Equal(18, lr.Points.First(p => p.Value == 1e-06).Step);
        Assert.Equal(0.38067764043807983, run.Get("val/dice_coef")!.First.Value);
        Assert.Equal(0.4435175359249115, run.Get("val/dice_coef")!.Last.Value);
    }

    [SharedFact]
    public async Task Reads_the_brain_tumor_log_whose_val_accuracy_never_moves()
    {
        var run = await ImportAsync(new KerasCsvImporter(), Path.Combine(Fixtures.Shared("keras-csvlogger-brain-tumor-flat-val-accuracy"), "training.log"));

        var acc = run.Get("val/accuracy")!;
        Assert.Equal(0.9866071939468384, acc.First.Value);
        Assert.Equal(0.9866071343421936, acc.Last.Value);
        Assert.Equal(new SeriesPoint(19, 0.9866068959236145, 19), acc.Points.MinBy(p => p.Value));
        Assert.Equal(new SeriesPoint(12, 0.9866073131561279, 12), acc.Points.MaxBy(p => p.Value));
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(0.7849852442741394, val.First.Value);
        Assert.Equal(new SeriesPoint(23, 0.05683233216404915, 23), val.Points.MinBy(p => p.Value));
        Assert.Equal(0.05723915994167328, val.Last.Value);
        Assert.Equal(new SeriesPoint(17, 0.042880576103925705, 17), run.Get(MetricNames.TrainLoss)!.Points.MinBy(p => p.Value));
        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal("learning_rate", lr.OriginalName);
        Assert.Equal(0.0010000000474974513, lr.First.Value);
        Assert.Equal(9.999999974752427e-07, lr.Last.Value);
        Assert.Equal(32, lr.Points.First(p => p.Value == 9.999999974752427e-07).Step);
    }

    [Fact]
    public async Task Reads_the_example_copy_of_the_brats_log_through_detection()
    {
        var dir = Fixtures.Example("keras-csvlogger-brats-unet-lr-plateau");
        Assert.Equal(KerasCsvImporter.FormatId, ImporterCatalog.Detect(dir).Format); // the folder's one log
        Assert.IsType<KerasCsvImporter>(ImporterCatalog.Detect(Path.Combine(dir, "training.log")));
        var run = Assert.Single((await ImporterCatalog.ImportAsync(dir)).Runs);
        Assert.Equal("keras-csvlogger-brats-unet-lr-plateau", run.Identity.Name);
        Assert.Equal(24, run.Get(MetricNames.ValLoss)!.Count);
        Assert.Equal(0.0344739630818367, run.Get(MetricNames.ValLoss)!.Points.Min(p => p.Value));
    }

    [SharedFact]
    public async Task Reads_the_glove_lstm_history_whose_val_loss_is_lowest_at_the_6th_epoch()
    {
        var importer = new KerasHistoryImporter();
        var file = Path.Combine(Fixtures.Shared("keras-history-json-glove-lstm-tweets-overfit"), "training_history.json");
        Assert.Equal(80, importer.Detect(file));
        var run = await ImportAsync(importer, file);

        Assert.Equal("keras-history", run.Identity.Source.Format);
        Assert.Equal("keras-history-json-glove-lstm-tweets-overfit", run.Identity.Name);
        Assert.Empty(run.Events);
        Assert.Equal(["train/accuracy", "train/learning_rate", "train/loss", "val/accuracy", "val/loss"], run.Series.Keys);
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(10, val.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), val.Steps());
        Assert.Equal(0.511763870716095, val.First.Value);
        Assert.Equal(new SeriesPoint(5, 0.4650532007217407, 5), val.Points.MinBy(p => p.Value)); // the 6th epoch
        Assert.Equal(new SeriesPoint(9, 0.5049303770065308, 9), val.Last);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(0.5171560645103455, loss.First.Value);
        Assert.Equal(0.3156667649745941, loss.Last.Value);
        Assert.Equal(0.7998949289321899, run.Get("val/accuracy")!.Points.Max(p => p.Value));
        Assert.All(run.Get(MetricNames.LearningRate)!.Points, p => Assert.Equal(0.0010000000474974513, p.Value));
        Assert.Equal(9, run.Trainer.GlobalStep);
    }

    [SharedFact]
    public async Task Reads_the_pneumonia_history_with_its_unstable_first_validations()
    {
        var run = await ImportAsync(new KerasHistoryImporter(), Path.Combine(Fixtures.Shared("keras-history-json-pneumonia-unstable-early-val"), "training_history.json"));

        Assert.Equal(7, run.Series.Count);
        Assert.All(run.Series.Values, s => Assert.Equal(10, s.Count));
        var acc = run.Get("val/accuracy")!;
        Assert.Equal(0.2587890625, acc.First.Value);
        Assert.Equal(new SeriesPoint(1, 0.2548828125, 1), acc.Points.MinBy(p => p.Value));
        Assert.Equal(0.9326171875, acc.Last.Value);
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(3.1308085918426514, val.First.Value);
        Assert.Equal(new SeriesPoint(1, 3.2336955070495605, 1), val.Points.MaxBy(p => p.Value));
        Assert.Equal(1.2637815475463867, val.Last.Value);
        Assert.Equal(2.4204442501068115, run.Get(MetricNames.TrainLoss)!.First.Value);
        Assert.Equal(0.4264225661754608, run.Get("val/auc")!.First.Value);
        Assert.Equal("lr", run.Get(MetricNames.LearningRate)!.OriginalName);
        Assert.All(run.Get(MetricNames.LearningRate)!.Points, p => Assert.Equal(4.999999873689376e-05, p.Value));
    }

    [SharedFact]
    public async Task Reads_the_brain_tumor_history_with_its_halving_learning_rate()
    {
        var run = await ImportAsync(new KerasHistoryImporter(), Path.Combine(Fixtures.Shared("keras-history-json-brain-tumor-lr-schedule"), "training_history.json"));

        Assert.All(run.Series.Values, s => Assert.Equal(30, s.Count));
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(1.1121315956115723, val.First.Value);
        Assert.Equal(new SeriesPoint(15, 0.38106316328048706, 15), val.Points.MinBy(p => p.Value)); // the 16th epoch
        Assert.Equal(0.49090835452079773, val.Last.Value);
        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(3.8498194217681885, loss.First.Value);
        Assert.Equal(0.13551731407642365, loss.Last.Value);
        Assert.Equal(new SeriesPoint(28, 0.1319786012172699, 28), loss.Points.MinBy(p => p.Value));
        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal(0.0010000000474974513, lr.First.Value);
        Assert.Equal(7.812500371073838e-06, lr.Last.Value);
        Assert.Equal(0.9094076752662659, run.Get("val/accuracy")!.Points.Max(p => p.Value));
    }
}
