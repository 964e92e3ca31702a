using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Import;

/// <summary>
/// Every real training log in the shared corpus (<c>shared/fixtures/real</c>, beside the checkout): detected as its
/// format, imported without error, diagnosed, and rendered in every output format. Skipped, with the reason, when the
/// corpus is absent.
/// </summary>
public sealed class SharedCorpusTests
{
    private static readonly (string Prefix, string Format)[] Formats =
    [
        ("hf-trainer-", "hf-trainer-state"),
        ("tensorboard-", "tensorboard"),
        ("mlflow-", "mlflow"),
        ("lightning-csv-", "lightning-csv"),
        ("keras-csvlogger-", "keras-csv"),
        ("keras-history-json-", "keras-history"),
        ("wandb-", "wandb"),
    ];

    public static TheoryData<string> Folders()
    {
        var names = FolderNames().ToList();
        return names.Count == 0 ? new TheoryData<string>("(shared corpus absent)") : new TheoryData<string>(names);
    }

    private static IEnumerable<string> FolderNames() =>
        Fixtures.SharedReal is null
            ? []
            : Directory.GetDirectories(Fixtures.SharedReal)
                .Select(d => Path.GetFileName(d)!)
                .Where(d => !d.StartsWith("predictions-", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);

    [SharedFact]
    public void The_corpus_holds_every_format()
    {
        var folders = FolderNames().ToList();
        foreach (var (prefix, _) in Formats)
        {
            Assert.Contains(folders, f => f.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [SharedTheory]
    [MemberData(nameof(Folders))]
    public async Task Every_real_log_is_detected_imported_diagnosed_and_rendered(string folder)
    {
        var path = Fixtures.Shared(folder);
        var expected = Formats.First(f => folder.StartsWith(f.Prefix, StringComparison.Ordinal)).Format;
        var importer = ImporterCatalog.Detect(path);
        Assert.Equal(expected, importer.Format);

        var result = await importer.ImportAsync(path, ImportContext.None);
        Assert.NotEmpty(result.Runs);
        var diagnoser = new Diagnoser();
        var diagnoses = result.Runs.Select(diagnoser.Diagnose).ToList();
        Assert.All(diagnoses, d => Assert.Empty(d.Coverage.RuleErrors));
        Assert.All(result.Runs, r => Assert.Equal(expected, r.Identity.Source.Format));

        foreach (var format in Renderers.Formats)
        {
            using var ms = new MemoryStream();
            Renderers.For(format).Render(diagnoses, ms);
            Assert.True(ms.Length > 0);
            if (format == "json")
            {
                using var doc = JsonDocument.Parse(ms.ToArray());
                Assert.Equal(diagnoses.Count == 1 ? Diagnosis.Schema : Diagnosis.SetSchema, doc.RootElement.GetProperty("schema").GetString());
            }
        }
    }

    [SharedFact]
    public async Task One_run_read_from_trainer_state_and_from_tensorboard_gives_the_same_series()
    {
        // The same BERT run: trainer_state.json saved at step 1,500 and the TensorBoard file of the whole 3,000-step run.
        var hf = (await ImporterCatalog.ImportAsync(Fixtures.Shared("hf-trainer-bert-hate-speech-loss-zero"))).Runs[0];
        var tb = (await ImporterCatalog.ImportAsync(Fixtures.Shared("tensorboard-hf-trainer-hate-speech-loss-zero"))).Runs[0];
        foreach (var key in new[] { MetricNames.TrainLoss, MetricNames.GradNorm, MetricNames.LearningRate })
        {
            var a = hf.Get(key)!;
            var b = tb.Get(key)!;
            Assert.Equal(150, a.Count);
            Assert.Equal(300, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.Equal(a.Points[i].Step, b.Points[i].Step);
                // TensorBoard stores float32: equal to the JSON double rounded to float.
                Assert.Equal((float)a.Points[i].Value, (float)b.Points[i].Value);
            }
        }
    }

    [SharedFact]
    public async Task The_gan_run_read_from_tensorboard_and_from_mlflow_gives_the_same_losses()
    {
        // INDEX.md: the first 270 points of the TF2 event file and the FAILED child run 7bc3cca6 hold the same values.
        var tb = (await ImporterCatalog.ImportAsync(Fixtures.Shared("tensorboard-tf2-gan-custom-summary"))).Runs.Single();
        var mlflowRuns = (await ImporterCatalog.ImportAsync(Fixtures.Shared("mlflow-tf-gan-nested-runs"))).Runs;
        var child = mlflowRuns.Single(r => r.Identity.Id.StartsWith("7bc3cca6", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Failed, child.Status);
        foreach (var name in new[] { "Generator loss", "Discriminator loss" })
        {
            var a = tb.Series.Values.Single(s => s.OriginalName == name);
            var b = child.Series.Values.Single(s => s.OriginalName == name);
            Assert.Equal(736, a.Count);
            Assert.Equal(270, b.Count);
            for (var i = 0; i < b.Count; i++)
            {
                Assert.Equal(a.Points[i].Step, b.Points[i].Step);
                Assert.Equal((float)a.Points[i].Value, (float)b.Points[i].Value);
            }
        }
    }
}
