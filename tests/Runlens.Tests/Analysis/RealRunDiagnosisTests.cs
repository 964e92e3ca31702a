using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
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
        return new Diagnoser().Diagnose(run);
    }

    private static Finding One(Diagnosis d, string rule) => Assert.Single(d.Findings, f => f.Rule == rule);

    [SharedFact]
    public async Task Ner_medmentions_overfits_from_epoch_2()
    {
        // eval_loss lowest at epoch 2 (0.509) then rises every epoch to 1.232 while train loss falls 0.81 -> 0.036.
        var d = await DiagnoseShared("hf-trainer-ner-medmentions-overfit");
        var f = One(d, "overfitting");
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(2.0, (double)f.Evidence["best_epoch"]!, 6);
        Assert.Equal(1.232, (double)f.Evidence["final_value"]!, 3);
    }

    [SharedFact]
    public async Task Bert_hate_speech_training_loss_of_exactly_zero_is_suspicious()
    {
        var d = await DiagnoseShared("hf-trainer-bert-hate-speech-loss-zero");
        var f = One(d, "suspicious-values");
        Assert.Equal(54, f.Evidence["zero_points"]);
        Assert.Equal(970L, f.Evidence["first_zero_step"]);
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
        Assert.Equal(2, f.Evidence["evals_without_improvement"]);
    }

    [SharedFact]
    public async Task Empty_log_has_nothing_to_analyse_but_says_so()
    {
        var d = await DiagnoseShared("hf-trainer-summarization-empty-log-3-steps");
        Assert.Empty(d.Metrics);
        Assert.Equal("Nothing was logged: no series to analyse.", d.Summary.Headline);
    }
}
