using Runlens.Import;
using Runlens.Import.Wandb;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Wandb;

/// <summary>A run written by a W&amp;B client before 0.10, with no transaction log (tests/fixtures/import/wandb-old,
/// shaped as a public 0.8.27 run folder).</summary>
public sealed class WandbOldRunTests
{
    private static readonly string Parent = Fixtures.Test("import/wandb-old");
    private static readonly string RunFolder = Path.Combine(Parent, "wandb", "run-20200219_001500-3kx9q2m1");

    [Fact]
    public async Task History_summary_config_and_system_metrics_come_from_the_files_beside_the_run()
    {
        var importer = ImporterCatalog.Detect(RunFolder);
        Assert.Equal(WandbImporter.FormatId, importer.Format);
        var run = Assert.Single((await importer.ImportAsync(RunFolder, ImportContext.None)).Runs);

        Assert.Equal("3kx9q2m1", run.Identity.Id);
        // one row per wandb.log call: the train values on even rows, the validation values on odd ones (_step)
        Assert.Equal([0L, 2, 4, 6, 9, 11, 13, 15], run.Get("loss")!.Steps());
        Assert.Equal([1L, 3, 5, 7, 10, 12, 14, 16], run.Get(MetricNames.ValLoss)!.Steps());
        Assert.Equal(1.4, run.Get("loss")!.First.Value);
        Assert.Equal(1582071330.0, run.Get("loss")!.First.WallTime); // _timestamp
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7], run.Get(MetricNames.ValLoss)!.Points.Select(p => p.Epoch));
        Assert.DoesNotContain(run.Series.Keys, k => k.Contains("runtime", StringComparison.Ordinal) || k.StartsWith("examples", StringComparison.Ordinal));
        Assert.Equal(16, run.Trainer.GlobalStep);

        Assert.Equal(8, run.Get(SystemMetrics.GpuUtilPercent)!.Count); // wandb-events.jsonl: system.gpu.0.gpu
        Assert.Equal(56.0, run.Get(SystemMetrics.GpuUtilPercent)!.First.Value);
        Assert.True(run.Has(SystemMetrics.RssMib));

        Assert.Equal(64, run.Config.Number("batch_size"));
        Assert.Equal(0.001, run.Config.Number("learning_rate"));
        Assert.Equal("adam", run.Config.Get("optimizer")!.Value.Text);
        Assert.DoesNotContain(run.Config.Values.Keys, k => k.StartsWith("_wandb", StringComparison.Ordinal) || k == "wandb_version");
        Assert.Equal("gpu-box", run.Config.Get("wandb.host")!.Value.Text);
        Assert.Equal(0.4467, run.Summary["val_loss"]);
        Assert.Contains(run.Events, e => e.Kind == RunEventKind.Note && e.Message.Contains("'examples' was ignored", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Events, e => e.Kind == RunEventKind.ImportDamage);
    }

    [Fact]
    public async Task The_history_file_its_wandb_folder_and_the_folder_above_read_as_the_same_run()
    {
        var fromFolder = Assert.Single((await ImporterCatalog.ImportAsync(RunFolder)).Runs);
        foreach (var path in new[] { Path.Combine(RunFolder, "wandb-history.jsonl"), Path.Combine(Parent, "wandb"), Parent })
        {
            Assert.Equal(WandbImporter.FormatId, ImporterCatalog.Detect(path).Format);
            var run = Assert.Single((await ImporterCatalog.ImportAsync(path)).Runs);
            Assert.Equal(fromFolder.Identity.Id, run.Identity.Id);
            Assert.Equal(fromFolder.Series.Keys, run.Series.Keys);
        }
    }
}
