using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class PlateauAndFailedRunRuleTests : RuleTestBase
{
    [Fact]
    public void Plateau_fires_when_the_last_evaluations_stay_flat()
    {
        // Accuracy climbs for 6 evals, then sits within ±0.2 points for 6 more.
        double[] acc = [0.61, 0.70, 0.76, 0.80, 0.83, 0.845, 0.846, 0.844, 0.847, 0.845, 0.846, 0.845];
        var run = new RunBuilder().Series("val/accuracy", 500, acc)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true }).Build();
        var f = Assert.Single(Findings(run, "plateau"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal(4000L, EvidenceOf<PlateauEvidence>(f).FirstStep);
        Assert.Equal(0.846, EvidenceOf<PlateauEvidence>(f).BestBeforeWindow, 12);
        Assert.True(EvidenceOf<PlateauEvidence>(f).RelativeImprovement < 0.005);
    }

    [Fact]
    public void Plateau_fires_on_a_metric_creeping_on_by_a_sliver_of_what_it_gained_before()
    {
        // The learning rate decayed to nothing early: validation loss gains 1% over the last 5 evaluations, but after
        // falling from 0.789 to 0.0624 that is 0.1% of the run's gain (a real GRU run of the benchmark).
        var run = new RunBuilder()
            .Series("val/loss", 38, 0.7891, 0.151, 0.0847, 0.0647, 0.0631, 0.063, 0.0629, 0.0627, 0.0626, 0.0625, 0.0624, 0.0623, 0.0622, 0.0621, 0.0619, 0.0618)
            .Series("train/loss", 20, RunBuilder.Falling(30, 1.1, 0.05)).Build();
        var f = Assert.Single(Findings(run, "plateau"));
        var e = EvidenceOf<PlateauEvidence>(f);
        Assert.True(e.RelativeImprovement > 0.005);
        Assert.InRange(e.GainRatio!.Value, 0, 0.02);
    }

    [Fact]
    public void A_plateau_after_the_learning_rate_ran_out_early_is_a_warning_and_a_normal_decay_is_not()
    {
        // Validation loss flat over the last 10 of 16 evaluations (every 100 steps, 1,600 in all).
        double[] val = [1.2, 0.7, 0.5, 0.45, 0.44, 0.439, 0.4388, 0.4387, 0.4386, 0.4385, 0.4385, 0.4384, 0.4384, 0.4383, 0.4383, 0.4383];
        var n = 160; // learning rate logged every 10 steps
        double[] early = [.. Enumerable.Range(0, n).Select(i => i < 40 ? 1e-3 * Math.Cos(Math.PI / 2 * i / 40.0) + 2e-6 : 2e-6)];
        double[] full = [.. Enumerable.Range(0, n).Select(i => (1e-3 * 0.5 * (1 + Math.Cos(Math.PI * i / (n - 1.0)))) + 1e-7)];
        Finding Plateau(double[] lr) => Assert.Single(Findings(new RunBuilder().Series("val/loss", 100, val)
            .Series("train/loss", 10, RunBuilder.Falling(n, 1.3, 0.4)).Series("train/learning_rate", 10, lr).Build(), "plateau"));

        var ranOut = Plateau(early);
        Assert.Equal(Severity.Warning, ranOut.Severity);
        var e = EvidenceOf<PlateauEvidence>(ranOut);
        Assert.Equal(410L, e.LearningRateFloorSinceStep); // the first log under 1% of the peak (logs at steps 10, 20, ...)
        Assert.Equal((1600 - 410) / 1590.0, e.LearningRateFloorFraction!.Value, 6);
        Assert.Contains("schedule ended long before training did", ranOut.Title, StringComparison.Ordinal);

        var decayed = Plateau(full);
        Assert.Equal(Severity.Info, decayed.Severity);
        Assert.Null(EvidenceOf<PlateauEvidence>(decayed).LearningRateFloorSinceStep);
    }

    [Fact]
    public void Plateau_stays_quiet_while_improving_and_when_getting_worse()
    {
        double[] improving = [1.2, 1.0, 0.9, 0.82, 0.76, 0.71, 0.67, 0.64, 0.61, 0.59];
        Assert.Empty(Findings(new RunBuilder().Series("val/loss", 100, improving).Series("train/loss", 50, RunBuilder.Falling(20, 1.3, 0.5)).Build(), "plateau"));

        double[] worsening = [1.2, 1.0, 0.9, 0.85, 0.9, 0.97, 1.05, 1.1, 1.2, 1.3];
        Assert.Empty(Findings(new RunBuilder().Series("val/loss", 100, worsening).Series("train/loss", 50, RunBuilder.Falling(20, 1.3, 0.5)).Build(), "plateau"));
    }

    [Fact]
    public void Failed_run_classifies_out_of_memory_and_keeps_the_effective_batch()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 2, 1))
            .Config("per_device_train_batch_size", 32).Config("gradient_accumulation_steps", 1).Config("num_train_epochs", 3)
            .Status(RunStatus.Failed)
            .Event(new RunEvent(RunEventKind.Error, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB", 310))
            .Checkpoint(300, "checkpoint-300")
            .Build();
        var f = Assert.Single(Findings(run, "failed-run"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("out-of-memory", EvidenceOf<FailedRunEvidence>(f).Cause);
        var changes = f.Recommendations.SelectMany(r => r.ConfigChanges).ToList();
        Assert.Contains(changes, c => c.Key == "per_device_train_batch_size" && c.To.Number == 16);
        Assert.Contains(changes, c => c.Key == "gradient_accumulation_steps" && c.To.Number == 2);
        Assert.Contains(f.Recommendations, r => r.Action.Contains("checkpoint-300", StringComparison.Ordinal));
    }

    [Fact]
    public void Failed_run_reports_a_failed_status_without_an_error_message()
    {
        var run = new RunBuilder("mlflow").Series("train/loss", 1, RunBuilder.Falling(270, 2, 1)).Status(RunStatus.Failed).Build();
        var f = Assert.Single(Findings(run, "failed-run"));
        Assert.Equal("The run ended failed after step 270", f.Title);
    }

    [Fact]
    public void Finished_runs_do_not_fire()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(30, 2, 1)).Status(RunStatus.Finished).Build();
        Assert.Empty(Findings(run, "failed-run"));
    }
}
