using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Import;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis;

/// <summary>
/// What Runlens concludes about single runs of the diagnosis benchmark (bench/diagnosis/runs: real models trained with
/// torch, logged as the trainers log). The expectations come from how each run was built and from reading its curves.
/// </summary>
public sealed class BenchmarkRunDiagnosisTests
{
    private static async Task<Diagnosis> Diagnose(string run, string log)
    {
        var path = Path.Combine(Fixtures.RepoRoot, "bench", "diagnosis", "runs", run, log);
        var result = await ImporterCatalog.ImportAsync(path);
        var d = new Diagnoser().Diagnose(Assert.Single(result.Runs));
        Rules.EvidenceAudit.Check(d.Findings, result.Runs[0]);
        return d;
    }

    [Fact]
    public async Task A_plateau_reached_after_the_schedule_decayed_to_nothing_early_is_the_root_cause()
    {
        // AdamW whose cosine decay ends at 0.2% of the peak by step ~220 of 760: val/loss 0.3210 at step 208, 0.3175 at
        // the end. The flat tail is the schedule's doing, not convergence.
        var d = await Diagnose("plateau--lr-floor-mlp--s0", "log/lightning_logs/version_0");
        var f = Assert.Single(d.Findings, f => f.Rule == "plateau");
        Assert.Equal(Severity.Warning, f.Severity);
        var e = Assert.IsType<PlateauEvidence>(f.Evidence);
        Assert.InRange(e.LearningRateFloorSinceStep!.Value, 150L, 260L);
        Assert.InRange(e.LearningRateFloorFraction!.Value, 0.6, 0.85);
        Assert.Equal("plateau", d.RootCauses[0].Id);
        Assert.Contains("schedule", f.Recommendations[0].Action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_healthy_cosine_decay_that_reaches_its_floor_only_at_the_end_is_no_root_cause()
    {
        // The same kind of model with a cosine decay over the whole run: under 1% of the peak only in the last 5%.
        var d = await Diagnose("healthy-converged--gru-tokens--s0", "log/lightning_logs/version_0");
        Assert.All(d.Findings.Where(f => f.Rule == "plateau"), f => Assert.Null(Assert.IsType<PlateauEvidence>(f.Evidence).LearningRateFloorSinceStep));
        Assert.Empty(d.RootCauses);
    }

    [Fact]
    public async Task A_schedule_restarted_on_resume_is_the_root_cause_and_explains_the_missed_early_stop()
    {
        // The run resumes at 70% with a fresh warmup-cosine scheduler: the rate climbs back from 9% of its peak, the
        // training loss moves up, validation is best before the restart.
        var d = await Diagnose("schedule-restart--mlp-digits--s0", "log/metrics.jsonl");
        Assert.Equal("schedule-restart", d.RootCauses[0].Id);
        Assert.Contains("change-point", d.RootCauses[0].Rules);
        Assert.DoesNotContain(d.RootCauses, c => c.Id == "trained-past-best");
    }

    [Theory]
    [InlineData("eval-too-small--cnn-digits--s1", "log/runlens.jsonl", "dataset")]
    [InlineData("eval-too-small--mlp-digits--s0", "log/lightning_logs/version_0", "accuracy-steps")]
    public async Task A_twelve_example_evaluation_set_is_the_root_cause(string run, string log, string source)
    {
        // The healthy recipe evaluated on 12 digits: accuracy moves in steps of 1/12 (the callback also records the size).
        var d = await Diagnose(run, log);
        var e = Assert.IsType<Runlens.Analysis.Rules.RunAccounting.EvalTooSmallEvidence>(Assert.Single(d.Findings, f => f.Rule == "eval-too-small").Evidence);
        Assert.Equal((12L, source), (e.Examples, e.EvidenceSource));
        Assert.Equal("eval-too-small", d.RootCauses[0].Id);
    }

    [Fact]
    public async Task A_six_hundred_example_evaluation_set_is_not_too_small()
    {
        var d = await Diagnose("healthy-converged--gru-tokens--s0", "log/lightning_logs/version_0");
        Assert.DoesNotContain(d.Findings, f => f.Rule == "eval-too-small");
    }

    [Fact]
    public async Task A_recurrent_net_knocked_back_by_gradient_bursts_is_not_called_underfitting()
    {
        // A ReLU RNN trained with SGD and no clipping: the gradient norm bursts to 38 (median 0.58) and the validation loss,
        // 0.83 at its best (step 113), ends at 1.07, where it started: the model learned and lost it.
        var d = await Diagnose("exploding-gradients--rnn-relu-sgd--s0", "log/lightning_logs/version_0");
        Assert.DoesNotContain(d.Findings, f => f.Rule == "underfitting");
        Assert.Contains(d.Findings, f => f.Rule == "exploding-gradients" && f.Severity == Severity.Error);
        Assert.Equal("exploding-gradients", d.RootCauses[0].Id);
    }
}
