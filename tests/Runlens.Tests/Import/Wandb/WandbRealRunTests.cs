using Runlens.Import;
using Runlens.Import.Wandb;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Wandb;

/// <summary>The four W&amp;B run folders of the shared corpus (no permissive licence: read in place). Expected values
/// were read from the files with a separate Python decoder.</summary>
public sealed class WandbRealRunTests
{
    private readonly WandbImporter _importer = new();

    private async Task<Run> ImportAsync(string fixture)
    {
        var result = await _importer.ImportAsync(Fixtures.Shared(fixture), ImportContext.None);
        return Assert.Single(result.Runs);
    }

    [SharedTheory]
    [InlineData("wandb-bert-sentiment-overfit")]
    [InlineData("wandb-nan-loss-lightning")]
    [InlineData("wandb-negative-loss-lightning")]
    [InlineData("wandb-single-step-run")]
    public async Task Every_real_wandb_run_imports(string fixture)
    {
        var path = Fixtures.Shared(fixture);
        Assert.Equal(85, _importer.Detect(path));
        var run = await ImportAsync(fixture);

        Assert.Equal("wandb", run.Identity.Source.Format);
        Assert.NotEmpty(run.Series);
        Assert.Contains(run.Identity.Experiment, new[] { "nlp2023-hw2", "LIS8040 BERT Sentiment Analysis" });
        Assert.DoesNotContain(run.Config.Values.Keys, k => k.StartsWith("_wandb", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Config.Values.Values, v => v.Text.Contains("redacted", StringComparison.Ordinal) || v.Text.Contains('@', StringComparison.Ordinal));

        var runFolder = Directory.GetDirectories(Path.Combine(path, "wandb"))[0];
        Assert.Equal(95, _importer.Detect(runFolder));
        var log = Directory.GetFiles(runFolder, "*.wandb")[0];
        Assert.Equal(100, _importer.Detect(log));
    }

    [SharedFact]
    public async Task Bert_sentiment_has_ten_epochs_with_val_loss_lowest_at_the_first()
    {
        var run = await ImportAsync("wandb-bert-sentiment-overfit");

        Assert.Equal("u9njiu6c", run.Identity.Id);
        Assert.Equal("run-20231005_200819-u9njiu6c", run.Identity.Name);
        Assert.Equal("LIS8040 BERT Sentiment Analysis", run.Identity.Experiment);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Empty(run.Events);
        Assert.Equal(["train/accuracy", "train/loss", "val/accuracy", "val/loss"], run.Series.Keys.Where(k => !SystemMetrics.IsSystem(k)));

        var val = run.Get("val/loss")!;
        Assert.Equal("val_loss", val.OriginalName);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), val.Steps());
        Assert.Equal(0.3401692921320597, val.First.Value);
        Assert.Equal(0.855558911005656, val.Last.Value);
        Assert.Equal(0.3401692921320597, val.Values().Min());
        Assert.Equal(1696504246.7448506, val.First.WallTime);

        var train = run.Get("train/loss")!;
        Assert.Equal(0.387902615292867, train.First.Value);
        Assert.Equal(0.035935232766345145, train.Last.Value);
        Assert.Equal(0.9957333333333334, run.Get("train/accuracy")!.Last.Value);

        Assert.Equal(0.0001, run.Config.Number("learning_rate"));
        Assert.Equal(128, run.Config.Number("batch_size"));
        Assert.Equal("KoBERT", run.Config.Get("architecture")!.Value.Text);
        Assert.Equal("Naver Sentiment Movie Corpus", run.Config.Get("dataset")!.Value.Text);
        Assert.Equal(0.855558911005656, run.Summary["val_loss"]);
        Assert.Equal(9, run.Summary["_step"]);
        Assert.Equal(9, run.Trainer.GlobalStep);
    }

    [SharedFact]
    public async Task Nan_loss_run_has_finite_train_loss_until_step_599_and_NaN_from_649()
    {
        var run = await ImportAsync("wandb-nan-loss-lightning");

        Assert.Equal("92w7awyu", run.Identity.Id);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Empty(run.Events);

        var train = run.Get("train/loss_batch")!;
        Assert.Equal("train_loss_batch", train.OriginalName);
        Assert.Equal(24, train.Count);
        Assert.Equal(new SeriesPoint(49, 67.97742462158203, 0, 1687402422.5003178), train.First);
        var lastFinite = train.Points.Last(p => double.IsFinite(p.Value));
        Assert.Equal(599, lastFinite.Step);
        Assert.Equal(66.04642486572266, lastFinite.Value);
        var firstNaN = train.Points.First(p => double.IsNaN(p.Value));
        Assert.Equal(649, firstNaN.Step);
        Assert.All(train.Points.Where(p => p.Step >= 649), p => Assert.True(double.IsNaN(p.Value)));
        Assert.Equal(1199, train.Last.Step);

        var valBatch = run.Get("val/loss_batch")!;
        Assert.Equal("val_loss_batch_step", valBatch.OriginalName);
        Assert.Equal(70, valBatch.Count);
        Assert.All(valBatch.Points, p => Assert.True(double.IsNaN(p.Value)));

        Assert.True(double.IsNaN(Assert.Single(run.Get("val/loss")!.Points).Value));
        Assert.Equal(0.5468253591919958, run.Get("val/accuracy")!.Last.Value);
        Assert.Equal(0.5468253591919958, run.Get("train/accuracy")!.Last.Value);
        Assert.Equal(1246, run.Get("val/f1")!.Last.Step);
        Assert.True(double.IsNaN(run.Summary["val_loss"]));
        Assert.True(double.IsNaN(run.Summary["train_loss"]));
        Assert.Equal(1246, run.Summary["trainer/global_step"]);
        Assert.Equal(1246, run.Trainer.GlobalStep);

        // 96 history rows: every row has _step and _timestamp, the sum of points over all series is one per logged value
        Assert.Equal(24 + 70 + 1 + 1 + 4 + 1 + 4, run.Series.Values.Where(s => !SystemMetrics.IsSystem(s.Key)).Sum(s => s.Count));
        Assert.Equal("andrea-Pc", run.Config.Get("wandb.host")!.Value.Text);
    }

    [SharedFact]
    public async Task Negative_loss_run_logs_23_losses_between_minus_35_thousand_and_minus_463_thousand()
    {
        var run = await ImportAsync("wandb-negative-loss-lightning");

        var loss = run.Get("train/loss")!;
        Assert.Equal("train_loss_step", loss.OriginalName);
        Assert.Equal(23, loss.Count);
        Assert.Equal(new SeriesPoint(49, -188494.15625, 0, 1687356082.924146), loss.First);
        Assert.Equal(1149, loss.Last.Step);
        Assert.Equal(-270860.28125, loss.Last.Value);
        Assert.Equal(-463195.3125, loss.Values().Min());
        Assert.Equal(-34960.50390625, loss.Values().Max());

        // the process exited with code 0 after Ctrl+C, but W&B never wrote its final/footer records
        Assert.Equal(RunStatus.Finished, run.Status);
        var note = Assert.Single(run.Events);
        Assert.Equal(RunEventKind.Note, note.Kind);
        Assert.Contains("without a final record", note.Message, StringComparison.Ordinal);
    }

    [SharedFact]
    public async Task Single_step_run_has_one_value_and_a_log_cut_inside_its_last_record()
    {
        var run = await ImportAsync("wandb-single-step-run");

        Assert.Equal("hge3v5v7", run.Identity.Id);
        var loss = Assert.Single(run.Series.Values, s => !SystemMetrics.IsSystem(s.Key));
        Assert.Equal("train/loss_batch", loss.Key);
        Assert.Equal(new SeriesPoint(49, 28.616336822509766, 0, 1687443169.757114), Assert.Single(loss.Points));

        // the last record header (offset 212028) announces 370 bytes that were never written
        var damage = Assert.Single(run.Events, e => e.Kind == RunEventKind.ImportDamage);
        Assert.Equal("offset 212028", damage.Location);
        Assert.EndsWith("run-hge3v5v7.wandb", damage.File, StringComparison.Ordinal);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("without a final record", StringComparison.Ordinal));

        Assert.Equal(1e-08, run.Config.Number("lr"));
        Assert.Equal(8, run.Config.Number("batch_size"));
        Assert.Equal("roberta-base", run.Config.Get("sentence_model_name")!.Value.Text);
        Assert.Equal(28.616336822509766, run.Summary["train_loss_batch"]);
        Assert.DoesNotContain(run.Summary.Keys, k => k.StartsWith("graph_0", StringComparison.Ordinal));
    }

    [SharedFact]
    public async Task The_log_file_alone_reads_the_same_history_as_the_folder()
    {
        var folder = Directory.GetDirectories(Path.Combine(Fixtures.Shared("wandb-bert-sentiment-overfit"), "wandb"))[0];
        var log = Path.Combine(folder, "run-u9njiu6c.wandb");
        var result = await _importer.ImportAsync(log, ImportContext.None);
        var run = Assert.Single(result.Runs);

        Assert.Equal(10, run.Get("val/loss")!.Count);
        Assert.Equal(0.0001, run.Config.Number("learning_rate"));
    }

    /// <summary>W&amp;B's system-metrics records become system/* series. Counts from the log's bytes: the bert run holds 47
    /// stats records with 128 per-core figures (46 with GPU readings), the Lightning run 49 with 20 per-core figures.</summary>
    [SharedTheory]
    [InlineData("wandb-bert-sentiment-overfit", 46, 47, 128)]
    [InlineData("wandb-nan-loss-lightning", 49, 49, 20)]
    public async Task System_metrics_become_system_series(string fixture, int gpuSamples, int cpuSamples, int cores)
    {
        var run = await ImportAsync(fixture);

        var util = run.Get(SystemMetrics.GpuUtilPercent)!;
        Assert.Equal(gpuSamples, util.Count);
        Assert.Equal(cpuSamples, run.Get(SystemMetrics.CpuPercent)!.Count);
        Assert.Equal(cores, run.Summary[SystemMetrics.CpuCount]);
        Assert.All(util.Values(), v => Assert.InRange(v, 0, 100));
        Assert.All(run.Get(SystemMetrics.GpuMemoryPercent)!.Values(), v => Assert.InRange(v, 0, 100));
        var steps = util.Steps();
        Assert.Equal(steps.Order(), steps);
        Assert.InRange(steps[^1], 1200, 1600); // seconds: both runs trained for about 24 minutes
        // Both GPUs were busy (utilisation about 90–99%): no hardware finding.
        Assert.DoesNotContain(new Runlens.Analysis.Diagnoses.Diagnoser().Diagnose(run).Findings, f => f.Rule == "hardware-underused");
    }
}
