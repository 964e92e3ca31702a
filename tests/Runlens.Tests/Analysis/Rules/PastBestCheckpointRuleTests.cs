using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class PastBestCheckpointRuleTests : RuleTestBase
{
    [Fact]
    public void Names_the_best_step_and_its_checkpoint_when_training_went_on_past_it()
    {
        // Seed 002: eval loss 1.25 (20k) -> 1.34 (40k) -> 1.42 (60k), best checkpoint at 20k.
        var run = new RunBuilder()
            .Series("train/loss", 5000, RunBuilder.Falling(12, 0.9, 0.42))
            .Series("val/loss", [20000, 40000, 60000], [1.25, 1.34, 1.42])
            .Checkpoint(20000, "checkpoint-20000").Checkpoint(40000, "checkpoint-40000").Checkpoint(60000, "checkpoint-60000")
            .Build();
        var f = Assert.Single(Findings(run, "past-best-checkpoint"));
        Assert.Equal(20000L, EvidenceOf<PastBestCheckpointEvidence>(f).BestStep);
        Assert.Equal(40000L, EvidenceOf<PastBestCheckpointEvidence>(f).StepsPastBest);
        Assert.Equal(2, EvidenceOf<PastBestCheckpointEvidence>(f).EvalsPastBest);
        Assert.Equal("checkpoint-20000", EvidenceOf<PastBestCheckpointEvidence>(f).BestCheckpoint);
        Assert.Equal(Severity.Error, f.Severity); // 13.6% worse
        Assert.Contains("checkpoint-20000", f.Recommendations[0].Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Follows_the_trainers_best_metric_and_its_direction()
    {
        // Whisper-style: eval_wer is the best-model metric (lower is better); eval_loss rises throughout.
        var run = new RunBuilder()
            .Series("train/loss", 25, RunBuilder.Falling(200, 0.5, 0.0002))
            .Series("val/loss", 1000, 0.308, 0.35, 0.40, 0.44, 0.468)
            .Series("val/wer", 1000, 34.6, 33.0, 32.5, 32.0, 32.1)
            .Trainer(t => t with { BestMetricKey = "val/wer", GreaterIsBetter = false, BestMetric = 32.0, BestStep = 4000, BestCheckpoint = "checkpoint-4000" })
            .Build();
        var d = Diagnose(run);
        Assert.Equal("val/wer", d.Summary.PrimaryMetric);
        Assert.Equal(4000, d.Summary.Best!.Value.Step);
        // final is one eval past best and only 0.3% worse: below min_evals_past
        Assert.Empty(d.Findings.Where(f => f.Rule == "past-best-checkpoint"));
    }

    [Fact]
    public void Handles_greater_is_better_metrics()
    {
        var run = new RunBuilder()
            .Series("val/f1", 100, 0.40, 0.55, 0.61, 0.58, 0.52, 0.50)
            .Trainer(t => t with { BestMetricKey = "val/f1", GreaterIsBetter = true })
            .Build();
        var f = Assert.Single(Findings(run, "past-best-checkpoint"));
        Assert.Equal(300L, EvidenceOf<PastBestCheckpointEvidence>(f).BestStep);
        Assert.Equal((0.61 - 0.50) / 0.61, EvidenceOf<PastBestCheckpointEvidence>(f).RelativeGap, 12);
        Assert.Null(EvidenceOf<PastBestCheckpointEvidence>(f).BestCheckpoint);
    }

    [Fact]
    public void Is_information_when_the_gap_is_a_sliver_of_what_the_run_gained()
    {
        // A converged loss: 1.1 down to 0.000629, then two evaluations that end 1% higher (0.0006355). The gap is
        // 0.0000065, a ten-thousandth of the 1.1 gained: the final weights are practically the best ones.
        double[] converged = [1.1, 0.3, 0.05, 0.004, 0.0009, 0.000629, 0.000632, 0.0006355];
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(80, 1.2, 0.0005, 0.0)).Series("val/loss", 100, converged).Build();
        var f = Assert.Single(Findings(run, "past-best-checkpoint"));
        var e = EvidenceOf<PastBestCheckpointEvidence>(f);
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal((0.0006355 - 0.000629) / (1.1 - 0.000629), e.GapFractionOfGain, 12);
        Assert.Equal(0.01, e.ThresholdFractionOfGain);
        Assert.Contains("practically as good", f.Title, StringComparison.Ordinal);

        // The same 1% drift after a run that gained little (0.70 to 0.60, ending 0.606): 6% of the gain, a warning.
        double[] modest = [0.70, 0.66, 0.63, 0.61, 0.60, 0.603, 0.606];
        var g = Assert.Single(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(70, 0.8, 0.5, 0.0)).Series("val/loss", 100, modest).Build(), "past-best-checkpoint"));
        Assert.Equal(Severity.Warning, g.Severity);
        Assert.Equal(0.006 / 0.1, EvidenceOf<PastBestCheckpointEvidence>(g).GapFractionOfGain, 9);
    }

    [Fact]
    public void Does_not_fire_when_the_last_evaluation_is_the_best()
    {
        var run = new RunBuilder().Series("val/loss", 200, 1.62, 1.4, 1.3, 1.2, 1.15, 1.122).Build();
        Assert.Empty(Findings(run, "past-best-checkpoint"));
    }
}
