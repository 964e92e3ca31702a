using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Import;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis;

/// <summary>
/// What Runlens concludes about real training logs from public repositories (shared corpus, INDEX.md describes each).
/// The expectations come from reading the logs, not from running the code.
/// </summary>
public sealed class RealRunDiagnosisTests
{
    private static async Task<Diagnosis> DiagnoseShared(string folder, string? runName = null)
    {
        var result = await ImporterCatalog.ImportAsync(Fixtures.Shared(folder));
        var run = runName is null ? result.Runs[0] : result.Runs.Single(r => r.Identity.Name == runName);
        var d = new Diagnoser().Diagnose(run);
        Rules.EvidenceAudit.Check(d.Findings, run);
        return d;
    }

    private static Finding One(Diagnosis d, string rule) => Assert.Single(d.Findings, f => f.Rule == rule);

    [SharedFact]
    public async Task Ner_medmentions_overfits_from_epoch_2()
    {
        // eval_loss lowest at epoch 2 (0.509) then rises every epoch to 1.232 while train loss falls 0.81 -> 0.036;
        // eval_overall_f1 still creeps up 0.504 -> 0.534 (far less than the loss degrades): overfitting, capped at a
        // warning, naming the creeping F1.
        var d = await DiagnoseShared("hf-trainer-ner-medmentions-overfit");
        var f = One(d, "overfitting");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal("severe", Assert.IsType<OverfittingEvidence>(f.Evidence).Level);
        Assert.Equal("val/overall_f1", Assert.IsType<OverfittingEvidence>(f.Evidence).MetricSeries);
        Assert.Equal(2.0, Assert.IsType<OverfittingEvidence>(f.Evidence).BestEpoch, 6);
        Assert.Equal(1.232, Assert.IsType<OverfittingEvidence>(f.Evidence).FinalValue, 3);
    }

    [SharedFact]
    public async Task Bert_hate_speech_training_loss_of_exactly_zero_is_suspicious()
    {
        var d = await DiagnoseShared("hf-trainer-bert-hate-speech-loss-zero");
        var f = One(d, "suspicious-values");
        Assert.Equal(54, Assert.IsType<ZeroLossEvidence>(f.Evidence).ZeroPoints);
        Assert.Equal(970L, Assert.IsType<ZeroLossEvidence>(f.Evidence).FirstStep);
    }

    [SharedTheory]
    [InlineData("hf-trainer-whisper-small-hindi-asr", "val/wer", 1000L, 4000L)]
    [InlineData("hf-trainer-dnabert2-eval-loss-rises-acc-improves", "val/f1", 800L, 2200L)]
    public async Task When_the_loss_rises_but_the_task_metric_improves_it_says_exactly_that(string folder, string metric, long lossBest, long metricBest)
    {
        // Whisper: eval_loss lowest at step 1,000 then rising while WER improves to its best at 4,000.
        // DNABERT-2: eval_loss lowest at step 800, eval_f1 keeps improving to the last eval (2,200).
        var d = await DiagnoseShared(folder);
        var disagreement = One(d, "metric-disagreement");
        Assert.Equal(metric, Assert.IsType<MetricDisagreementEvidence>(disagreement.Evidence).MetricSeries);
        Assert.Equal(lossBest, Assert.IsType<MetricDisagreementEvidence>(disagreement.Evidence).BestStep);
        Assert.Equal(metricBest, Assert.IsType<MetricDisagreementEvidence>(disagreement.Evidence).MetricBestStep);
        var overfitting = One(d, "overfitting");
        Assert.Equal(Severity.Info, overfitting.Severity);
        Assert.Equal("loss-only", Assert.IsType<OverfittingEvidence>(overfitting.Evidence).Level);
        Assert.DoesNotContain(d.Findings, f => f.Severity == Severity.Error);
    }

    [SharedFact]
    public async Task Trocr_gradient_norms_of_1e4_to_1e6_are_exploding_gradients()
    {
        var d = await DiagnoseShared("hf-trainer-trocr-huge-grad-norm");
        var f = One(d, "exploding-gradients");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.True(Assert.IsType<ExplodingGradientsEvidence>(f.Evidence).Median > 4e4);
    }

    [SharedFact]
    public async Task A_noisy_validation_loss_is_not_called_overfitting()
    {
        // Lightning forecast run: val_loss 0.42, 0.014, 0.081, 0.008, 0.042, 0.111, ... 0.008 (epoch 9) ... 0.052 (epoch 16).
        var d = await DiagnoseShared("lightning-csv-forecast-noisy-val");
        var f = One(d, "overfitting");
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal("noisy", Assert.IsType<OverfittingNoiseEvidence>(f.Evidence).Level);
        Assert.Equal(2279L, Assert.IsType<OverfittingNoiseEvidence>(f.Evidence).BestStep);
    }

    [SharedFact]
    public async Task Lightning_forecast_overfits_from_epoch_6()
    {
        // val_loss lowest 0.1566 at step 1,742 (epoch 6), 0.2196 at epoch 13, train_loss falling 0.27 -> 0.09.
        var d = await DiagnoseShared("lightning-csv-forecast-val-loss-rises");
        var f = One(d, "overfitting");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(1742L, Assert.IsType<OverfittingEvidence>(f.Evidence).BestStep);
        Assert.Equal(6.0, Assert.IsType<OverfittingEvidence>(f.Evidence).BestEpoch, 6);
    }

    [SharedFact]
    public async Task Keras_imdb_from_tensorboard_overfits_after_epoch_4()
    {
        var d = await DiagnoseShared("tensorboard-keras-tf2-imdb-overfit");
        var f = One(d, "overfitting");
        Assert.Equal(4L, Assert.IsType<OverfittingEvidence>(f.Evidence).BestStep);
        Assert.Equal(0.275065541267395, Assert.IsType<OverfittingEvidence>(f.Evidence).BestValue, 9);
    }

    [SharedFact]
    public async Task Glove_lstm_history_overfits_after_the_sixth_epoch_and_the_gap_triples()
    {
        // val_loss lowest 0.46505 at the 6th epoch (index 5), 0.50493 at the 10th: an 8.6% rise (mild by itself), but the
        // gap to the training loss grew from 0.46505 - 0.40430 = 0.0608 to 0.50493 - 0.31567 = 0.1893 (3.1x): moderate.
        var d = await DiagnoseShared("keras-history-json-glove-lstm-tweets-overfit");
        var f = One(d, "overfitting");
        Assert.Equal("moderate", Assert.IsType<OverfittingEvidence>(f.Evidence).Level);
        Assert.Equal(5L, Assert.IsType<OverfittingEvidence>(f.Evidence).BestStep);
        Assert.Equal(0.1893 / 0.0608, Assert.IsType<OverfittingEvidence>(f.Evidence).GapGrowth, 1);
    }

    [SharedFact]
    public async Task Brain_tumor_tensorboard_run_is_nan_from_the_first_log_with_accuracy_one_and_f1_zero()
    {
        var d = await DiagnoseShared("tensorboard-lightning-brain-tumor-nan-loss");
        Assert.Contains("first log", One(d, "divergence").Title, StringComparison.Ordinal);
        Assert.Contains(d.Findings, f => f.Rule == "suspicious-values" && f.Title.Contains("accuracy is 1.0 while", StringComparison.Ordinal));
    }

    [SharedFact]
    public async Task Constant_lightning_train_loss_is_underfitting()
    {
        // train_loss_batch is 16.74222755432129 on all 74 rows.
        var d = await DiagnoseShared("lightning-csv-constant-train-loss");
        var f = One(d, "underfitting");
        Assert.Equal(0.0, Assert.IsType<UnderfittingEvidence>(f.Evidence).RelativeDrop, 12);
    }

    [SharedFact]
    public async Task Failed_mlflow_gan_runs_are_reported()
    {
        var result = await ImporterCatalog.ImportAsync(Fixtures.Shared("mlflow-tf-gan-nested-runs"));
        var diagnoses = result.Runs.Select(new Diagnoser().Diagnose).ToList();
        Assert.Equal(2, diagnoses.Count(d => d.Findings.Any(f => f.Rule == "failed-run")));
    }

    [SharedFact]
    public async Task Finance_news_accuracy_collapses_between_the_first_two_epochs()
    {
        // eval_accuracy 0.902 at epoch 1, then 0.41.
        var d = await DiagnoseShared("hf-trainer-finance-news-sentiment");
        var f = One(d, "sudden-metric-drop");
        Assert.Equal("val/accuracy", Assert.IsType<SuddenMetricDropEvidence>(f.Evidence).Series);
        Assert.Equal(1035L, Assert.IsType<SuddenMetricDropEvidence>(f.Evidence).FromStep);
    }

    [SharedFact]
    public async Task Finance_news_accuracy_far_above_macro_f1_is_class_imbalance()
    {
        // INDEX.md: eval_accuracy 0.902 at epoch 1 with macro-F1 0.19.
        var d = await DiagnoseShared("hf-trainer-finance-news-sentiment");
        var f = One(d, "class-imbalance");
        Assert.Equal(1035L, Assert.IsType<ClassImbalanceEvidence>(f.Evidence).Step);
        Assert.True(Assert.IsType<ClassImbalanceEvidence>(f.Evidence).Gap > 0.7);
    }

    [SharedFact]
    public async Task Ner_types_that_never_get_a_correct_prediction_are_weak_classes()
    {
        // INDEX.md: 13 of the 33 types have f1 = 0 at every eval (17 at the last one).
        var d = await DiagnoseShared("hf-trainer-ner-medmentions-overfit");
        var f = One(d, "weak-classes");
        Assert.Equal(33, Assert.IsType<WeakClassesLoggedEvidence>(f.Evidence).Classes);
        Assert.True(Assert.IsType<WeakClassesLoggedEvidence>(f.Evidence).ZeroF1Classes >= 13);
    }

    [SharedTheory]
    [InlineData("hf-trainer-tinyllama-sft-causal-lm")]
    [InlineData("hf-trainer-vit-image-classification")]
    [InlineData("tensorboard-lightning-brain-tumor-healthy")]
    [InlineData("tensorboard-lightning-mnist-cnn-fit-validate-test")]
    [InlineData("lightning-csv-mnist-cnn")]
    [InlineData("hf-trainer-mt5-summarization-rouge")]
    public async Task Healthy_runs_get_no_error(string folder)
    {
        var d = await DiagnoseShared(folder);
        Assert.DoesNotContain(d.Findings, f => f.Severity >= Severity.Error);
    }

    [SharedFact]
    public async Task Tinyllama_sft_is_healthy()
    {
        // eval_loss decreases monotonically 1.622 -> 1.122; EarlyStoppingCallback configured but not triggered.
        var d = await DiagnoseShared("hf-trainer-tinyllama-sft-causal-lm");
        Assert.Equal(DiagnosisStatus.Healthy, d.Summary.Status);
        Assert.DoesNotContain(d.Findings, f => f.Severity >= Severity.Warning);
        Assert.Equal(2800, d.Summary.Best!.Value.Step);
    }

    [SharedFact]
    public async Task Whisper_is_judged_by_its_best_model_metric_wer()
    {
        var d = await DiagnoseShared("hf-trainer-whisper-small-hindi-asr");
        Assert.Equal("val/wer", d.Summary.PrimaryMetric);
        Assert.False(d.Summary.GreaterIsBetter);
        Assert.Equal(4000, d.Summary.Best!.Value.Step);
    }

    [SharedFact]
    public async Task T5_without_evaluations_reports_the_rising_training_loss_and_the_missing_validation()
    {
        var d = await DiagnoseShared("hf-trainer-t5-text-simplification-loss-rises");
        One(d, "divergence");
        Assert.Contains(d.Coverage.Missing, m => m.Signal == "val/metric");
        Assert.Contains(d.Findings, f => f.Rule == "missing-telemetry");
    }

    [SharedFact]
    public async Task Distilbert_log_that_ends_early_looks_like_an_unrecorded_early_stop()
    {
        // Log ends at step 130 of 645 max steps; best F1 at the first eval, the next two lower.
        var d = await DiagnoseShared("hf-trainer-distilbert-hallucination-stops-early");
        var f = One(d, "early-stopping");
        Assert.Equal(2, Assert.IsType<EarlyStopInferredEvidence>(f.Evidence).EvalsWithoutImprovement);
    }

    [SharedFact]
    public async Task Empty_log_has_nothing_to_analyse_but_says_so()
    {
        var d = await DiagnoseShared("hf-trainer-summarization-empty-log-3-steps");
        Assert.Empty(d.Metrics);
        Assert.Equal("Nothing was logged: no series to analyse.", d.Summary.Headline);
    }

    [SharedFact]
    public async Task Wandb_nan_run_diverges_at_step_649_and_logs_train_metrics_equal_to_validation()
    {
        // train_loss_batch finite until global step 599, NaN from 649; train_* metrics identical to val_* metrics.
        var d = await DiagnoseShared("wandb-nan-loss-lightning");
        var f = One(d, "divergence");
        Assert.Equal("train/loss_batch", Assert.IsType<DivergenceNonFiniteEvidence>(f.Evidence).Series);
        Assert.Equal(649L, Assert.IsType<DivergenceNonFiniteEvidence>(f.Evidence).FirstNonFiniteStep);
        Assert.Equal(599L, Assert.IsType<DivergenceNonFiniteEvidence>(f.Evidence).LastFiniteStep);
        var same = One(d, "suspicious-values");
        Assert.Contains("accuracy", Assert.IsType<IdenticalSplitsEvidence>(same.Evidence).Metrics);
    }

    [SharedFact]
    public async Task Wandb_negative_loss_is_suspicious()
    {
        var d = await DiagnoseShared("wandb-negative-loss-lightning");
        var f = One(d, "suspicious-values");
        Assert.Equal(23, Assert.IsType<NegativeLossEvidence>(f.Evidence).NegativePoints);
    }

    [SharedFact]
    public async Task Wandb_bert_sentiment_overfits_from_the_second_epoch()
    {
        // val_loss lowest at the first epoch (0.340) then up to 0.856 at the 10th while train_loss falls 0.388 -> 0.036.
        var d = await DiagnoseShared("wandb-bert-sentiment-overfit");
        var f = One(d, "overfitting");
        Assert.Equal(0L, Assert.IsType<OverfittingEvidence>(f.Evidence).BestStep);
        Assert.Equal(0.856, Assert.IsType<OverfittingEvidence>(f.Evidence).FinalValue, 3);
    }
}
