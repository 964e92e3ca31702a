using Runlens.Import;
using Runlens.Import.HfTrainer;
using Runlens.Import.TensorBoard;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.TensorBoard;

/// <summary>The TensorBoard event files of the shared corpus and of examples/. Expected values were read from the files
/// with a separate hand-written Python TFRecord/protobuf decoder (CRC-32C checked), not from this importer.</summary>
public sealed class TensorBoardRealRunTests
{
    private readonly TensorBoardImporter _importer = new();

    private async Task<Run> ImportAsync(string path)
    {
        var result = await _importer.ImportAsync(path, ImportContext.None);
        return Assert.Single(result.Runs);
    }

    private Task<Run> SharedAsync(string fixture) => ImportAsync(Fixtures.Shared(fixture));

    [SharedTheory]
    [InlineData("tensorboard-hf-trainer-hate-speech-loss-zero")]
    [InlineData("tensorboard-keras-tf2-imdb-overfit")]
    [InlineData("tensorboard-keras-tf2-mnist-adam")]
    [InlineData("tensorboard-lightning-brain-tumor-healthy")]
    [InlineData("tensorboard-lightning-brain-tumor-nan-loss")]
    [InlineData("tensorboard-lightning-empty-run-hparams-only")]
    [InlineData("tensorboard-lightning-lstm-text-generation")]
    [InlineData("tensorboard-lightning-mnist-cnn-fit-validate-test")]
    [InlineData("tensorboard-tf2-gan-custom-summary")]
    public async Task Every_real_tensorboard_run_imports_cleanly(string fixture)
    {
        var path = Fixtures.Shared(fixture);
        Assert.Equal(95, _importer.Detect(path));
        Assert.Same(ImporterCatalog.ByFormat("tensorboard"), ImporterCatalog.Detect(path));
        foreach (var file in Directory.EnumerateFiles(path, "events.out.tfevents.*", SearchOption.AllDirectories))
        {
            Assert.Equal(100, _importer.Detect(file));
        }

        var run = await ImportAsync(path);
        Assert.Equal("tensorboard", run.Identity.Source.Format);
        Assert.Equal(fixture, run.Identity.Name);
        Assert.Empty(run.Events);
        Assert.NotEmpty(run.Series);
        Assert.NotNull(run.Identity.Time.Start);
    }

    [SharedTheory]
    [InlineData("hf-trainer-bert-hate-speech-loss-zero")]
    [InlineData("wandb-bert-sentiment-overfit")]
    [InlineData("lightning-csv-mnist-cnn")]
    [InlineData("mlflow-tf-gan-nested-runs")]
    [InlineData("keras-csvlogger-brats-unet-lr-plateau")]
    [InlineData("keras-history-json-brain-tumor-lr-schedule")]
    [InlineData("predictions-finance-news-sentiment")]
    public void Other_formats_are_not_tensorboard(string fixture)
    {
        var path = Fixtures.Shared(fixture);
        Assert.Equal(0, _importer.Detect(path));
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(0, _importer.Detect(file));
        }
    }

    [SharedFact]
    public async Task Hf_trainer_run_has_loss_zero_from_step_970_and_two_evals()
    {
        var run = await SharedAsync("tensorboard-hf-trainer-hate-speech-loss-zero");

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("train/loss", loss.OriginalName);
        Assert.Equal(300, loss.Count);
        Assert.Equal(new SeriesPoint(10, 0.8496000170707703, 0.006666666828095913, 1745562694.9053676), loss.First);
        Assert.Equal(2.0, loss.Last.Epoch);
        Assert.Equal(3000, loss.Last.Step);
        Assert.Equal(0.0, loss.Last.Value);
        Assert.Equal(204, loss.Values().Count(v => v == 0.0));
        Assert.Equal(970, loss.Points.First(p => p.Value == 0.0).Step);

        var grad = run.Get(MetricNames.GradNorm)!;
        Assert.Equal(300, grad.Count);
        Assert.Equal(6.1701202392578125, grad.First.Value);
        Assert.Equal(0.0003204491804353893, grad.Last.Value);
        Assert.Equal(0.0002631370152812451, grad.Values().Min());

        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal(4.9833332013804466e-05, lr.First.Value);
        Assert.Equal(0.0, lr.Last.Value);

        Assert.Equal(303, run.Get("train/epoch")!.Count);
        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal("eval/loss", val.OriginalName);
        Assert.Equal([1500L, 3000L], val.Steps());
        Assert.Equal([1.0, 2.0], val.Points.Select(p => p.Epoch));
        Assert.Equal([2.0876665075775236e-05, 1.2529790183180012e-05], val.Values());
        Assert.Equal(1745564306.9111717, val.First.WallTime);
        Assert.Equal(0.004019905813038349, Assert.Single(run.Get("train/train_loss")!.Points).Value);
        Assert.Equal(3309.797119140625, run.Get("train/train_runtime")!.First.Value);
    }

    [SharedFact]
    public async Task Hf_trainer_event_file_matches_the_trainer_state_of_the_same_run_as_float32()
    {
        var tb = await SharedAsync("tensorboard-hf-trainer-hate-speech-loss-zero");
        var hf = Assert.Single((await new HfTrainerImporter().ImportAsync(Fixtures.Shared("hf-trainer-bert-hate-speech-loss-zero"), ImportContext.None)).Runs);

        foreach (var key in new[] { MetricNames.TrainLoss, MetricNames.GradNorm, MetricNames.LearningRate })
        {
            var a = hf.Get(key)!.Points;
            var b = tb.Get(key)!.Points;
            Assert.Equal(150, a.Length);
            for (var i = 0; i < 150; i++)
            {
                Assert.Equal(a[i].Step, b[i].Step);
                Assert.Equal((float)a[i].Value, (float)b[i].Value);
            }
        }
    }

    [SharedTheory]
    [InlineData("tensorboard-keras-tf2-imdb-overfit", 20, 0.5466302633285522, 0.019987531006336212, 0.42648032307624817, 0.518250048160553, 0.275065541267395, 4)]
    [InlineData("tensorboard-keras-tf2-mnist-adam", 10, 0.29735517501831055, 0.031928274780511856, 0.1429041177034378, 0.08433278650045395, 0.07555161416530609, 6)]
    public async Task Keras_train_and_validation_folders_are_one_run(
        string fixture, int epochs, double trainFirst, double trainLast, double valFirst, double valLast, double valMin, long valMinStep)
    {
        var run = await SharedAsync(fixture);

        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("train/epoch_loss", train.OriginalName);
        Assert.Equal(Enumerable.Range(0, epochs).Select(i => (long)i), train.Steps());
        Assert.Equal(trainFirst, train.First.Value);
        Assert.Equal(trainLast, train.Last.Value);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal("validation/epoch_loss", val.OriginalName);
        Assert.Equal(epochs, val.Count);
        Assert.Equal(valFirst, val.First.Value);
        Assert.Equal(valLast, val.Last.Value);
        Assert.Equal(valMin, val.Values().Min());
        Assert.Equal(valMinStep, val.Points.MinBy(p => p.Value).Step);
        Assert.Equal(valMinStep, val.Points.MinBy(p => p.Value).Epoch);
        Assert.True(double.IsNaN(run.Get("val/evaluation_loss_vs_iterations")!.First.Epoch));

        Assert.Equal(epochs, run.Get("train/accuracy")!.Count);
        Assert.Equal(epochs, run.Get("val/accuracy")!.Count);
        Assert.Equal(epochs, run.Get("val/evaluation_loss_vs_iterations")!.Count);
        Assert.Equal(["train/accuracy", "train/loss", "val/accuracy", "val/evaluation_accuracy_vs_iterations", "val/evaluation_loss_vs_iterations", "val/loss"], run.Series.Keys);
    }

    [SharedFact]
    public async Task Keras_mnist_validation_iteration_tag_has_its_own_steps()
    {
        var run = await SharedAsync("tensorboard-keras-tf2-mnist-adam");
        var it = run.Get("val/evaluation_loss_vs_iterations")!;
        Assert.Equal(1500, it.First.Step);
        Assert.Equal(15000, it.Last.Step);
        Assert.Equal(0.1429041177034378, it.First.Value);
        Assert.Equal(0.9779999852180481, run.Get("val/evaluation_accuracy_vs_iterations")!.Last.Value);
        Assert.Equal(1690483611.472537, run.Get("train/loss")!.First.WallTime);
    }

    [SharedFact]
    public async Task Tf2_gan_keeps_all_736_points_through_four_step_restarts()
    {
        var run = await SharedAsync("tensorboard-tf2-gan-custom-summary");
        Assert.Equal(["Discriminator loss", "Generator loss"], run.Series.Keys);

        var g = run.Get("Generator loss")!;
        Assert.Equal("Generator loss", g.OriginalName);
        Assert.Equal(736, g.Count);
        var steps = g.Steps();
        var restarts = Enumerable.Range(1, steps.Length - 1).Where(i => steps[i] <= steps[i - 1]).ToArray();
        Assert.Equal([270, 383, 473, 563], restarts);
        var segments = restarts.Append(736).Zip(restarts.Prepend(0), (end, start) => end - start);
        Assert.Equal([270, 113, 90, 90, 173], segments);
        Assert.All(restarts, i => Assert.Equal(0, steps[i]));
        Assert.Equal(269, steps.Max());
        Assert.Equal(new SeriesPoint(0, 10.047750473022461, double.NaN, 1668944457.008674), g.First);
        Assert.All(g.Points, p => Assert.True(double.IsNaN(p.Epoch)));
        Assert.Equal((269L, 1.1922858953475952), (g.Points[269].Step, g.Points[269].Value));
        Assert.Equal((0L, 6.3158721923828125), (g.Points[270].Step, g.Points[270].Value));
        Assert.Equal((172L, 0.8206157684326172), (g.Last.Step, g.Last.Value));
        Assert.Equal(0.5607571601867676, g.Values().Min());

        var d = run.Get("Discriminator loss")!;
        Assert.Equal(736, d.Count);
        Assert.Equal(5.994594097137451, d.First.Value);
        Assert.Equal(1.1201722621917725, d.Last.Value);
        Assert.Equal(0.26039475202560425, d.Values().Min());
    }

    [SharedFact]
    public async Task Lightning_lstm_has_7691_train_points_and_val_loss_lowest_at_step_251977()
    {
        var run = await SharedAsync("tensorboard-lightning-lstm-text-generation");

        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal("train_loss", train.OriginalName);
        Assert.Equal(7691, train.Count);
        Assert.Equal(new SeriesPoint(49, 2.0573372840881348, 0.0, 1716735749.0009108), train.First);
        Assert.Equal(28.0, train.Last.Epoch);
        Assert.Equal((384549L, 0.23888538777828217), (train.Last.Step, train.Last.Value));
        Assert.Equal(0.21064871549606323, train.Values().Min());
        Assert.Equal(305249, train.Points.MinBy(p => p.Value).Step);

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(29, val.Count);
        Assert.Equal((13261L, 0.3606380522251129), (val.First.Step, val.First.Value));
        Assert.Equal((384597L, 0.2555515468120575), (val.Last.Step, val.Last.Value));
        Assert.Equal(251977, val.Points.MinBy(p => p.Value).Step);
        Assert.Equal(18.0, val.Points.MinBy(p => p.Value).Epoch);
        Assert.Equal([0.0, 1.0, 2.0], val.Points.Take(3).Select(p => p.Epoch));
        Assert.Equal(0.25296473503112793, val.Values().Min());
        Assert.Equal(7720, run.Get("epoch")!.Count);
        Assert.Equal(-1.0, Assert.Single(run.Get("hp_metric")!.Points).Value);

        Assert.Equal(512, run.Config.Number("hidden_units"));
        Assert.Equal(0.001, run.Config.Number("lr"));
        Assert.Equal(29, run.Config.Number("num_chars"));
        Assert.Equal(2, run.Config.Number("num_layers"));
        Assert.Equal(100, run.Config.Number("seq_length"));
        Assert.Equal(5, run.Config.Count);
    }

    [SharedFact]
    public async Task Lightning_fit_validate_and_test_files_are_merged_in_file_order()
    {
        var run = await SharedAsync("tensorboard-lightning-mnist-cnn-fit-validate-test");

        var val = run.Get(MetricNames.ValLoss)!;
        Assert.Equal(6, val.Count);
        Assert.Equal(1718, val.First.Step);
        Assert.Equal(0.07071327418088913, val.First.Value);
        Assert.Equal(0.05692044645547867, val.Points[4].Value);
        Assert.Equal(8594, val.Points[4].Step);
        Assert.Equal((8595L, 0.023356042802333832), (val.Last.Step, val.Last.Value));
        Assert.Equal(0.9927999973297119, run.Get("val/accuracy")!.Last.Value);
        Assert.Equal(0.9879000186920166, Assert.Single(run.Get("test/accuracy")!.Points).Value);
        Assert.Equal(0.03997248783707619, Assert.Single(run.Get("test/loss")!.Points).Value);
        var train = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(5, train.Count);
        Assert.Equal(0.146479994058609, train.First.Value);
        Assert.Equal(0.019999271258711815, train.Last.Value);
        Assert.Equal(12, run.Get("epoch")!.Count);
        Assert.Equal(3, run.Get("hp_metric")!.Count);
        Assert.Equal(10, run.Config.Number("num_classes"));
        Assert.Equal(1785441771.6333241, run.Identity.Time.Start!.Value.ToUnixTimeMilliseconds() / 1000.0, 2);
    }

    [SharedFact]
    public async Task Brain_tumor_nan_run_has_NaN_loss_everywhere_and_perfect_accuracy()
    {
        var run = await SharedAsync("tensorboard-lightning-brain-tumor-nan-loss");

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal(10, loss.Count);
        Assert.All(loss.Values(), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(49, loss.First.Step);
        Assert.Equal(499, loss.Last.Step);
        Assert.True(double.IsNaN(Assert.Single(run.Get("test/loss")!.Points).Value));
        Assert.All(run.Get("train/accuracy")!.Values(), v => Assert.Equal(1.0, v));
        Assert.All(run.Get("train/f1_score")!.Values(), v => Assert.Equal(0.0, v));
        Assert.Equal(1.0, run.Get("test/accuracy")!.Last.Value);
        var lr = run.Get(MetricNames.LearningRate)!;
        Assert.Equal("lr-Adam", lr.OriginalName);
        Assert.Equal(10, lr.Count);
        Assert.Equal(0.0010000000474974513, lr.First.Value);

        Assert.Equal(0.1, run.Config.Number("dropouts"));
        Assert.Equal(3, run.Config.Number("in_channels"));
        Assert.Equal(0.001, run.Config.Number("learning_rate"));
        Assert.Equal(1, run.Config.Number("out_channels"));
    }

    [SharedFact]
    public async Task Brain_tumor_healthy_run_has_noisy_loss_and_test_accuracy_0_909()
    {
        var run = await SharedAsync("tensorboard-lightning-brain-tumor-healthy");

        var loss = run.Get(MetricNames.TrainLoss)!;
        Assert.Equal([49L, 99, 149, 199, 249, 299, 349, 399, 449, 499], loss.Steps());
        Assert.Equal(1.0350875854492188, loss.First.Value);
        Assert.Equal(2.5033950805664062e-06, loss.Points[8].Value);
        Assert.Equal(0.04722785949707031, loss.Last.Value);
        Assert.Equal([0.25, 0.75, 1.0], run.Get("train/accuracy")!.Values().Distinct().Order());
        var test = Assert.Single(run.Get("test/accuracy")!.Points);
        Assert.Equal((540L, 0.9090909361839294), (test.Step, test.Value));
        Assert.Equal(0.35483744740486145, run.Get("test/loss")!.First.Value);
        Assert.Equal(3, run.Config.Number("num_classes"));
    }

    [SharedFact]
    public async Task Empty_lightning_run_has_only_hp_metric_and_its_hparams()
    {
        var run = await SharedAsync("tensorboard-lightning-empty-run-hparams-only");

        var hp = Assert.Single(run.Series.Values);
        Assert.Equal("hp_metric", hp.Key);
        Assert.Equal(new SeriesPoint(0, -1.0, double.NaN, 1737343858.2517028), Assert.Single(hp.Points));
        Assert.Equal(["dropouts", "in_channels", "learning_rate", "out_channels"], run.Config.Values.Keys);
        Assert.Equal(0.1, run.Config.Number("dropouts"));
    }

    [Theory]
    [InlineData("tensorboard-lightning-lstm-text-generation", 7691)]
    [InlineData("tensorboard-lightning-mnist-cnn-fit-validate-test", 5)]
    public async Task Examples_in_the_repository_import(string example, int trainPoints)
    {
        var path = Fixtures.Example(example);
        Assert.Same(ImporterCatalog.ByFormat("tensorboard"), ImporterCatalog.Detect(path));
        var run = Assert.Single((await ImporterCatalog.ImportAsync(path)).Runs);
        Assert.Empty(run.Events);
        Assert.Equal(trainPoints, run.Get(MetricNames.TrainLoss)!.Count);
    }

    [SharedFact]
    public async Task The_whole_corpus_folder_of_tensorboard_runs_is_one_run_per_folder()
    {
        using var tmp = new TempDir();
        foreach (var fixture in new[] { "tensorboard-keras-tf2-imdb-overfit", "tensorboard-lightning-brain-tumor-healthy", "tensorboard-tf2-gan-custom-summary" })
        {
            foreach (var file in Directory.EnumerateFiles(Fixtures.Shared(fixture), "*", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(Fixtures.Shared(fixture), file);
                File.Copy(file, tmp.File(Path.Combine("logs", fixture, rel)));
            }
        }

        Assert.Equal(80, _importer.Detect(tmp.Path));
        var result = await _importer.ImportAsync(tmp.Path, ImportContext.None);
        Assert.Equal(["tensorboard-keras-tf2-imdb-overfit", "tensorboard-lightning-brain-tumor-healthy", "tensorboard-tf2-gan-custom-summary"],
            result.Runs.Select(r => r.Identity.Name));
        Assert.Equal(20, result.Runs[0].Get(MetricNames.ValLoss)!.Count);
        Assert.Equal(3, result.Runs[1].Config.Number("num_classes"));
        Assert.Equal(736, result.Runs[2].Get("Generator loss")!.Count);
    }
}
