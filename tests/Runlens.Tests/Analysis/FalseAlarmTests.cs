using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis;

/// <summary>
/// Findings that are symptoms or consequences of something else, on real runs of the diagnosis benchmark (bench/diagnosis:
/// models trained with torch, logged as the trainers log; tuning seeds) and on the shared real predictions: the symptom is
/// told once, by the finding that names its cause, and the summary agrees with the findings.
/// </summary>
public sealed class FalseAlarmTests
{
    private static async Task<Diagnosis> Diagnose(string run, string log, bool withPredictions = false)
    {
        var folder = Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", run);
        var result = await ImporterCatalog.ImportAsync(Path.Combine(folder, log));
        var imported = Assert.Single(result.Runs);
        PredictionContext? predictions = null;
        if (withPredictions)
        {
            predictions = PredictionContext.Of(await PredictionsReader.ReadClassificationAsync(Path.Combine(folder, "predictions.csv")));
        }

        var d = new Diagnoser().Diagnose(imported, predictions);
        Rules.EvidenceAudit.Check(d.Findings, imported, predictions);
        return d;
    }

    private static bool Fires(Diagnosis d, string rule) => d.Findings.Any(f => f.Rule == rule && f.Severity >= Severity.Warning);

    [Theory]
    [InlineData("no-signal--small-model--s0", "log")]
    [InlineData("no-signal--large-model--s1", "log")]
    public async Task Predictions_at_chance_say_the_model_has_not_learned_the_task_instead_of_blaming_labels_or_classes(string run, string log)
    {
        // Labels shuffled independently of the inputs: validation accuracy ~1/K on balanced classes.
        var d = await Diagnose(run, log, withPredictions: true);
        var f = Assert.Single(d.Findings, f => f.Rule == "prediction-collapse");
        Assert.Equal(Severity.Error, f.Severity);
        var e = Assert.IsType<PredictionCollapseEvidence>(f.Evidence);
        Assert.True(e.AtChance);
        Assert.InRange(e.Accuracy, 0, e.ChanceAccuracy + e.ChanceMargin);
        Assert.StartsWith("The model has not learned the task", f.Title, StringComparison.Ordinal);
        foreach (var symptom in new[] { "label-noise", "confusion-pairs", "weak-classes", "overconfidence", "metric-disagreement" })
        {
            Assert.False(Fires(d, symptom), $"{symptom} fired on predictions at chance");
        }

        Assert.Equal("has-not-learned-the-task", d.RootCauses[0].Id);
        Assert.Equal("prediction-collapse", d.RootCauses[0].Rules[0]);
    }

    [Fact]
    public async Task A_binary_majority_collapse_is_class_imbalance_not_label_noise()
    {
        // 88/12 classes, every prediction the majority: accuracy equals the majority share.
        var d = await Diagnose("class-imbalance--binary-collapse--s0", "log/lightning_logs/version_0", withPredictions: true);
        Assert.False(Fires(d, "label-noise"));
        Assert.True(Fires(d, "prediction-collapse"));
        Assert.Equal("class-imbalance", d.RootCauses[0].Id);
    }

    [Fact]
    public async Task Label_noise_above_chance_is_still_label_noise()
    {
        var d = await Diagnose("label-noise--class-pair--s0", "log", withPredictions: true);
        Assert.True(Fires(d, "label-noise"));
        Assert.DoesNotContain(d.Findings, f => f.Rule == "prediction-collapse");
    }

    [Fact]
    public async Task A_detector_of_a_rare_class_barely_above_the_majority_share_is_not_at_chance()
    {
        // The last third of the real window-detection predictions: accuracy 0.926 on 90.5% majority labels (within two
        // standard errors of always predicting the majority), but the rare windows are found (macro-F1 0.77).
        using var tmp = new TempDir();
        var lines = await File.ReadAllLinesAsync(Fixtures.Test("predictions/window-detection/window_predictions_bz_pytorch.csv"));
        var rows = lines.Skip(1).ToArray();
        var file = tmp.File("last-third.csv");
        await File.WriteAllLinesAsync(file, [lines[0], .. rows.Where((_, i) => i * 3 / rows.Length == 2)]);
        var predictions = PredictionContext.Of(await PredictionsReader.ReadClassificationAsync(file));
        var chance = PredictionsAtChance.Of(predictions.Evaluation.Metrics);
        Assert.InRange(chance.Accuracy, chance.Chance, chance.Chance + chance.Margin);
        Assert.False(chance.AtChance);
        var d = new Diagnoser().Diagnose(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 1.5, 0.6)).Build(), predictions);
        Assert.DoesNotContain(d.Findings, f => f.Rule == "prediction-collapse");
    }

    [Fact]
    public async Task Early_stopping_and_the_best_checkpoint_are_information_on_a_run_that_learned_nothing()
    {
        // 30 tanh layers: val/loss sits at ln 3 and the training loss does not move.
        var d = await Diagnose("vanishing-gradients--deep-tanh--s1", "log/lightning_logs/version_0");
        var f = Assert.Single(d.Findings, f => f.Rule == "early-stopping");
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("learned nothing", f.Title, StringComparison.Ordinal);
        Assert.False(Fires(d, "past-best-checkpoint"));
    }

    [Fact]
    public void A_fine_tune_best_at_its_first_evaluation_still_gets_the_early_stopping_warning()
    {
        // Validation loss best at the first evaluation and rising while the training loss keeps falling: stop early.
        var run = new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(60, 0.7, 0.05))
            .Series("val/loss", 50, 0.40, 0.41, 0.43, 0.46, 0.48, 0.51, 0.53, 0.55, 0.58, 0.60, 0.62, 0.65)
            .Build();
        var d = new Diagnoser().Diagnose(run);
        var f = Assert.Single(d.Findings, f => f.Rule == "early-stopping");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(Severity.Error, Assert.Single(d.Findings, f => f.Rule == "past-best-checkpoint").Severity);
    }

    [Fact]
    public void The_early_stopping_finding_names_the_summary_s_best_step_when_the_run_improved_a_little_after_the_stop()
    {
        // Patience 3 stops at the fifth evaluation (best 0.500 at the second); the run's best, 0.498, comes at the ninth.
        var run = new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(100, 1.0, 0.2))
            .Series("val/loss", 100, 0.60, 0.500, 0.51, 0.52, 0.505, 0.502, 0.503, 0.501, 0.498, 0.51)
            .Build();
        var d = new Diagnoser().Diagnose(run);
        var f = Assert.Single(d.Findings, f => f.Rule == "early-stopping");
        var e = Assert.IsType<EarlyStoppingEvidence>(f.Evidence);
        Assert.Equal(200, e.BestStep);
        Assert.Equal(d.Summary.Best!.Value.Step, e.RunBestStep);
        Assert.Equal(900, e.RunBestStep);
        Assert.Contains("step 900", f.Recommendations[0].Action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loss_that_explodes_under_a_learning_rate_too_high_is_not_a_metric_disagreement()
    {
        // A warmup to 0.3: val/loss 0.66 → 3.96 while macro-F1 drifts from 0.72 to 0.79; the training loss does not fall.
        var d = await Diagnose("lr-too-high--warmup--s1", "log/lightning_logs/version_0");
        Assert.DoesNotContain(d.Findings, f => f.Rule == "metric-disagreement");
        Assert.Equal("lr-too-high", d.RootCauses[0].Id);
    }

    [Fact]
    public void The_loss_and_the_metric_disagree_when_the_training_loss_keeps_falling()
    {
        var run = new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(100, 1.0, 0.05))
            .Series("val/loss", 100, 0.80, 0.60, 0.55, 0.58, 0.62, 0.66, 0.70, 0.74, 0.78, 0.82)
            .Series("val/accuracy", 100, 0.60, 0.70, 0.72, 0.74, 0.76, 0.77, 0.78, 0.79, 0.79, 0.80)
            .Build();
        var f = Assert.Single(new Diagnoser().Diagnose(run).Findings, f => f.Rule == "metric-disagreement");
        Assert.Equal(Severity.Warning, f.Severity);
        var e = Assert.IsType<MetricDisagreementEvidence>(f.Evidence);
        Assert.InRange(e.RelativeTrainDrop!.Value, 0.05, 1);
        Assert.InRange(e.RelativeLossRise, 0.02, 1);
    }

    [Fact]
    public async Task The_last_value_of_a_steadily_rising_accuracy_is_not_an_outlier()
    {
        // SGD at 2e-3: val_accuracy climbs 0.09 → 0.37 over 30 epochs, fastest at the end.
        var d = await Diagnose("lr-too-low--sgd-mlp--s1", "log");
        Assert.DoesNotContain(d.Findings, f => f.Rule == "metric-anomaly");
    }

    [Fact]
    public async Task An_accuracy_and_macro_f1_gap_on_twelve_examples_is_information_only()
    {
        var d = await Diagnose("eval-too-small--cnn-digits--s0", "log");
        Assert.All(d.Findings.Where(f => f.Rule is "class-imbalance" or "metric-disagreement" or "metric-anomaly"),
            f => Assert.Equal(Severity.Info, f.Severity));
        Assert.DoesNotContain(d.Findings, f => f.Rule == "metric-anomaly" && f.SeriesKeys.Any(s => s.StartsWith("val/", StringComparison.Ordinal)));
        Assert.Equal("eval-too-small", d.RootCauses[0].Id);
    }

    [Fact]
    public void A_task_metric_that_ends_far_below_its_best_is_the_headline_when_no_rule_speaks()
    {
        // The loss is fine; validation accuracy fell from 0.80 to 0.56 (30% worse) by the last evaluation.
        var run = new RunBuilder()
            .Series("val/loss", 1000, 0.50, 0.45, 0.44, 0.44, 0.44)
            .Series("val/accuracy", 1000, 0.70, 0.80, 0.78, 0.60, 0.56)
            .Build();
        var d = new Diagnoser(rules: []).Diagnose(run);
        Assert.Equal(DiagnosisStatus.Warning, d.Summary.Status);
        Assert.StartsWith("The final val/accuracy 0.56 (step 5,000) is 30% worse than its best 0.8 at step 2,000", d.Summary.Headline, StringComparison.Ordinal);
    }
}
