using System.Security.Cryptography;
using Runlens.Import;
using Runlens.Import.Mlflow;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import.Mlflow;

/// <summary>The two MLflow file stores of the shared corpus (no permissive licence: read in place). Expected values were
/// read from the files with awk/head and a separate Python script (and, for the cross-format check, a Python TFRecord
/// reader over the TensorBoard event file of the same GAN run).</summary>
public sealed class MlflowRealRunTests
{
    private const string Gan = "mlflow-tf-gan-nested-runs";
    private const string Keras = "mlflow-keras-autolog-tweet-classification";
    private readonly MlflowImporter _importer = new();

    private async Task<ImportResult> ImportAsync(string fixture) => await _importer.ImportAsync(Fixtures.Shared(fixture), ImportContext.None);

    [SharedFact]
    public void Detects_tree_experiment_run_and_meta_file_but_no_other_fixture()
    {
        var root = Fixtures.Shared(Gan);
        Assert.Equal(85, _importer.Detect(root));
        Assert.Equal(95, _importer.Detect(Path.Combine(root, "mlruns")));
        Assert.Equal(90, _importer.Detect(Path.Combine(root, "mlruns", "1")));
        var run = Path.Combine(root, "mlruns", "1", "7bc3cca660254316aeafb098baae1bf1");
        Assert.Equal(95, _importer.Detect(run));
        Assert.Equal(80, _importer.Detect(Path.Combine(run, "meta.yaml")));
        Assert.Equal(0, _importer.Detect(Path.Combine(run, "metrics", "Generator loss")));
        Assert.Equal(0, _importer.Detect(Path.Combine(run, "tags")));

        foreach (var other in Directory.GetDirectories(Fixtures.SharedReal!))
        {
            if (Path.GetFileName(other).StartsWith("mlflow-", StringComparison.Ordinal))
            {
                Assert.Equal(_importer.Format, ImporterCatalog.Detect(other).Format);
                continue;
            }

            Assert.True(_importer.Detect(other) == 0, other);
            foreach (var entry in Directory.EnumerateFileSystemEntries(other, "*", SearchOption.AllDirectories))
            {
                Assert.True(_importer.Detect(entry) == 0, entry);
            }
        }
    }

    [SharedFact]
    public async Task Gan_store_has_two_parent_child_pairs_one_failed_one_finished()
    {
        var result = await ImportAsync(Gan);

        // sorted by start time: 1668944456735, 1668944456882, 1671633633160, 1671633633258
        Assert.Equal(
            ["ab59b29b66f0423eae0b07eced2e8315", "7bc3cca660254316aeafb098baae1bf1", "cfb1ee4014a54380adb5ccda0e8b84c7", "8927ca27bf0446c0a36f3aab196e73ed"],
            result.Runs.Select(r => r.Identity.Id));
        Assert.All(result.Runs, r => Assert.Equal("Classical GAN", r.Identity.Experiment));
        Assert.All(result.Runs, r => Assert.Equal("mlflow", r.Identity.Source.Format));
        Assert.Equal(["Run", "Run_0", "Run", "Run_0"], result.Runs.Select(r => r.Identity.Name));
        Assert.Equal([null, "ab59b29b66f0423eae0b07eced2e8315", null, "cfb1ee4014a54380adb5ccda0e8b84c7"], result.Runs.Select(r => r.Identity.ParentId));
        Assert.Equal([RunStatus.Failed, RunStatus.Failed, RunStatus.Finished, RunStatus.Finished], result.Runs.Select(r => r.Status));
        Assert.All(result.Runs, r => Assert.DoesNotContain(r.Events, e => e.Kind == RunEventKind.ImportDamage));
        Assert.Contains(result.Runs[1].Events, e => e.Kind == RunEventKind.Error && e.Message.Contains("FAILED", StringComparison.Ordinal));

        var parent = result.Runs[0];
        Assert.Empty(parent.Series);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1668944456735), parent.Identity.Time.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1668944476262), parent.Identity.Time.End);
        Assert.Equal("LOCAL", parent.Config.Get("tags.mlflow.source.type")!.Value.Text);
        Assert.Equal("Ludovico", parent.Config.Get("tags.mlflow.user")!.Value.Text);
        Assert.Null(parent.Config.Get("tags.mlflow.runName"));
    }

    [SharedFact]
    public async Task Gan_child_runs_have_metric_names_with_spaces_and_63000_steps()
    {
        var result = await ImportAsync(Gan);
        var big = result.Runs.Single(r => r.Identity.Id == "8927ca27bf0446c0a36f3aab196e73ed");
        Assert.Equal(["Discriminator loss", "Generator loss"], big.Series.Keys);

        var g = big.Get("Generator loss")!;
        Assert.Equal("Generator loss", g.OriginalName);
        Assert.Equal(63_000, g.Count);
        Assert.Equal(new SeriesPoint(0, 15.424948692321777, double.NaN, 1671633633.327), g.First);
        Assert.Equal(62_999, g.Last.Step);
        Assert.Equal(0.6979080438613892, g.Last.Value);
        Assert.Equal(1671637294.281, g.Last.WallTime);
        Assert.Equal(0.32246923446655273, g.Values().Min());
        Assert.Equal(53_358, g.Points[Array.IndexOf(g.Values(), g.Values().Min())].Step);
        Assert.Equal(Enumerable.Range(0, 63_000).Select(i => (long)i), g.Steps());

        var d = big.Get("Discriminator loss")!;
        Assert.Equal(63_000, d.Count);
        Assert.Equal(15.424948692321777, d.First.Value);
        Assert.Equal(1.5599353313446045, d.Last.Value);
        Assert.Equal(0.4144037365913391, d.Values().Min());
        Assert.Equal(15.425593376159668, d.Values().Max());
        Assert.Equal(62_999, big.Trainer.GlobalStep);

        var small = result.Runs.Single(r => r.Identity.Id == "7bc3cca660254316aeafb098baae1bf1");
        var sg = small.Get("Generator loss")!;
        Assert.Equal(270, sg.Count);
        Assert.Equal(10.047750473022461, sg.First.Value);
        Assert.Equal(1.1922858953475952, sg.Last.Value);
        Assert.Equal(269, sg.Last.Step);
        Assert.Equal(0.8471962213516235, sg.Values().Min());
        var sd = small.Get("Discriminator loss")!;
        Assert.Equal(270, sd.Count);
        Assert.Equal(5.994594097137451, sd.First.Value);
        Assert.Equal(0.5684300661087036, sd.Last.Value);
        Assert.Equal(0.26039475202560425, sd.Values().Min());
        Assert.Equal(103, sd.Points[Array.IndexOf(sd.Values(), sd.Values().Min())].Step);
    }

    /// <summary>The failed child run logged the same GAN losses to TensorBoard (tensorboard-tf2-gan-custom-summary): its
    /// first 270 points per tag, read from the event file with a Python TFRecord reader, are the MLflow values as float32.
    /// The hashes are SHA-256 of those 270 float32 values (little-endian) and of the 270 int64 steps.</summary>
    [SharedTheory]
    [InlineData("Generator loss", "e090553b7dbe1127977012a5db16c889b3d889dfcfae1653a6833ab2216c6c71", 10.047750473022461, 9.734999656677246, 3.9025802612304688, 1.2042710781097412)]
    [InlineData("Discriminator loss", "6cbac592cd120c388a8f52490bb027f6fe93b40baa2fe773706469546f44cdb1", 5.994594097137451, 6.501142501831055, 3.267897605895996, 0.45278358459472656)]
    public async Task Failed_child_run_matches_the_first_270_tensorboard_points(string tag, string valuesSha256, double tb0, double tb1, double tb2, double tb135)
    {
        var result = await ImportAsync(Gan);
        var series = result.Runs.Single(r => r.Identity.Id == "7bc3cca660254316aeafb098baae1bf1").Get(tag)!;
        Assert.Equal(270, series.Count);

        var values = series.Values().Select(v => (float)v).ToArray();
        Assert.All(series.Values(), v => Assert.Equal(v, (double)(float)v));
        Assert.Equal([(float)tb0, (float)tb1, (float)tb2], values[..3]);
        Assert.Equal((float)tb135, values[135]);
        Assert.Equal(valuesSha256, Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()))));
        Assert.Equal("e46f8f2335e355208b494c8711af1e93c0c2f49fcc4b87b57cfe56e232f841aa",
            Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(series.Steps().AsSpan()))));
    }

    [SharedFact]
    public async Task Keras_autolog_store_has_three_training_runs_and_two_evaluation_runs()
    {
        var result = await ImportAsync(Keras);

        // sorted by start time
        Assert.Equal(
            ["b703b7db9a7a4e158519346e2f5c5190", "cee1d5e1975f4c66b0624ec6c27183bc", "e1147646c9194aeb9b9d16ab348d67c2", "22eaffc72fd043729c56bb371f57ff99", "9aabc433a47e40c7ae1003ab8adf485c"],
            result.Runs.Select(r => r.Identity.Id));
        Assert.All(result.Runs, r =>
        {
            Assert.Equal("Default", r.Identity.Experiment);
            Assert.Equal(r.Identity.Id, r.Identity.Name); // name: '' and no mlflow.runName tag
            Assert.Null(r.Identity.ParentId);
            Assert.Equal(RunStatus.Finished, r.Status);
            Assert.Empty(r.Events);
            Assert.Equal("saul", r.Config.Get("tags.mlflow.user")!.Value.Text);
            Assert.Equal("train.py", r.Config.Get("tags.mlflow.source.name")!.Value.Text);
            Assert.Null(r.Config.Get("tags.mlflow.log-model.history"));
        });

        var first = result.Runs[0];
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1645591012542), first.Identity.Time.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1645591137640), first.Identity.Time.End);
        Assert.Equal(["train/accuracy", "train/auc", "train/loss", "train/precision", "train/recall"], first.Series.Keys);
        var loss = first.Get("train/loss")!;
        Assert.Equal("loss", loss.OriginalName);
        Assert.Equal([0L, 1L], loss.Steps());
        Assert.Equal([0.5052379965782166, 0.3362653851509094], loss.Values());
        Assert.Equal(1645591037.838, loss.First.WallTime);
        Assert.Equal(0.8639169931411743, first.Get("train/accuracy")!.Last.Value);
        Assert.Equal(0.9215680360794067, first.Get("train/auc")!.Last.Value);
        Assert.Equal(1, first.Trainer.GlobalStep);

        Assert.Equal(18 + 4, first.Config.Count); // 18 params, 4 tags (log-model.history left out)
        Assert.Equal(0.001, first.Config.Number("learning_rate"));
        Assert.Equal(2, first.Config.Number("epochs"));
        Assert.Equal(1e-07, first.Config.Number("epsilon"));
        Assert.Equal(5, first.Config.Number("num_layers"));
        Assert.Equal(ConfigValueKind.Null, first.Config.Get("batch_size")!.Value.Kind);
        Assert.True(first.Config.Get("shuffle")!.Value.Boolean);
        Assert.False(first.Config.Get("use_multiprocessing")!.Value.Boolean);
        Assert.Equal("Adam", first.Config.Get("optimizer_name")!.Value.Text);
        Assert.Equal("keras", first.Config.Get("tags.mlflow.autologging")!.Value.Text);

        Assert.Equal([0.5234960913658142, 0.3472180664539337], result.Runs[3].Get("train/loss")!.Values());
        Assert.Equal([0.525877833366394, 0.3430648744106293], result.Runs[1].Get("train/loss")!.Values());

        // evaluation-only runs: bare names stay as logged (not training values)
        var eval = result.Runs[4];
        Assert.Equal(["accuracy", "precision", "recall", "roc-auc"], eval.Series.Keys);
        Assert.Equal(new SeriesPoint(0, 0.4463653564453125, double.NaN, 1645595643.221), Assert.Single(eval.Get("accuracy")!.Points));
        Assert.Equal(0.7011412382125854, eval.Get("roc-auc")!.First.Value);
        Assert.Equal(0.1, eval.Config.Number("dropout"));
        Assert.Equal(32, eval.Config.Number("hidden-units"));
        Assert.Equal(2 + 3, eval.Config.Count);
        Assert.Equal(0.6883023977279663, result.Runs[2].Get("roc-auc")!.First.Value);
    }

    [SharedFact]
    public async Task A_single_run_folder_and_its_meta_file_import_with_the_experiment_name()
    {
        var runDir = Path.Combine(Fixtures.Shared(Gan), "mlruns", "1", "7bc3cca660254316aeafb098baae1bf1");
        var run = Assert.Single((await _importer.ImportAsync(runDir, ImportContext.None)).Runs);
        Assert.Equal("Run_0", run.Identity.Name);
        Assert.Equal("Classical GAN", run.Identity.Experiment);
        Assert.Equal(270, run.Get("Generator loss")!.Count);

        var viaMeta = Assert.Single((await _importer.ImportAsync(Path.Combine(runDir, "meta.yaml"), ImportContext.None)).Runs);
        Assert.Equal(run.Identity, viaMeta.Identity);

        var experiment = await _importer.ImportAsync(Path.Combine(Fixtures.Shared(Keras), "mlruns", "0"), ImportContext.None);
        Assert.Equal(5, experiment.Runs.Length);
        var viaCatalog = await ImporterCatalog.ImportAsync(Fixtures.Shared(Keras));
        Assert.Equal(5, viaCatalog.Runs.Length);
    }
}
