using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0105 underfitting, RL0106 not-converged, RL0201 lr-too-high, RL0202 lr-too-low on realistic noisy series.</summary>
public sealed class ConvergenceRuleTests : RuleTestBase
{
    private static double[] Flat(int n, double level, double sd, int seed) => [.. RunBuilder.Noise(n, sd, seed).Select(e => level + e)];

    [Fact]
    public void Underfitting_fires_when_train_and_validation_stay_high_together()
    {
        var run = new RunBuilder().Series("train/loss", 10, Flat(100, 1.09, 0.02, 1))
            .Series("val/loss", 100, 1.10, 1.10, 1.09, 1.10, 1.09, 1.10, 1.10, 1.09, 1.10, 1.10)
            .Config("learning_rate", 1e-5).Build();
        var f = Assert.Single(Findings(run, "underfitting"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.True(Math.Abs(EvidenceOf<UnderfittingEvidence>(f).RelativeValGap!.Value) < 0.05);
    }

    [Fact]
    public void Underfitting_stays_quiet_when_the_loss_falls_or_a_gap_opens()
    {
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.5, 0.05)).Build(), "underfitting"));
        var gap = new RunBuilder().Series("train/loss", 10, Flat(100, 0.2, 0.01, 2)).Series("val/loss", 100, 0.5, 0.52, 0.55, 0.6, 0.62).Build();
        Assert.Empty(Findings(gap, "underfitting"));
    }

    [Fact]
    public void Not_converged_fires_when_the_metric_is_still_climbing_at_the_end()
    {
        var run = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.6, 0.05))
            .Series("val/accuracy", 200, 0.50, 0.61, 0.68, 0.72, 0.75, 0.78, 0.81, 0.84, 0.87, 0.90)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true })
            .Config("num_train_epochs", 4).Build();
        var f = Assert.Single(Findings(run, "not-converged"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(0.81, EvidenceOf<NotConvergedEvidence>(f).FirstValue, 12);
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "num_train_epochs" && c.To.Number == 6);
    }

    [Fact]
    public void Not_converged_stays_quiet_after_a_plateau_and_for_tiny_gains_near_zero()
    {
        var plateau = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.6, 0.05))
            .Series("val/loss", 200, 1.5, 1.0, 0.8, 0.7, 0.66, 0.65, 0.649, 0.648, 0.648, 0.647).Build();
        Assert.Empty(Findings(plateau, "not-converged"));

        // Roberta-like: validation loss 0.0008 -> 0.00067 at the end after falling from 0.9.
        var nearZero = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.001, 0.0001))
            .Series("val/loss", 200, 0.9, 0.2, 0.01, 0.002, 0.0009, 0.0008, 0.00075, 0.0007, 0.00067).Build();
        Assert.Empty(Findings(nearZero, "not-converged"));
    }

    [Fact]
    public void Not_converged_reports_a_run_that_saw_a_fraction_of_an_epoch()
    {
        var run = new RunBuilder().Series("train/loss", [10, 20, 30], [2.0, 1.9, 1.8], epochs: [0.05, 0.1, 0.15])
            .Trainer(t => t with { Epoch = 0.15 }).Build();
        var f = Assert.Single(Findings(run, "not-converged"));
        Assert.Contains("15%", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Lr_too_low_fires_on_a_slow_steady_unfinished_descent()
    {
        double[] loss = [.. Enumerable.Range(0, 200).Select(i => 2.3 - (0.0018 * i)).Zip(RunBuilder.Noise(200, 0.004, 3), (a, e) => a + e)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 1e-6).Build();
        var f = Assert.Single(Findings(run, "lr-too-low"));
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 3e-6) < 1e-15);
    }

    [Fact]
    public void Lr_too_low_fires_on_a_tiny_learning_rate_with_a_flat_loss()
    {
        var run = new RunBuilder("wandb").Series("train/loss", 10, Flat(50, 28.6, 0.3, 5)).Config("lr", 1e-8).Build();
        var f = Assert.Single(Findings(run, "lr-too-low"));
        Assert.Contains("tiny", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Lr_too_low_stays_quiet_on_a_healthy_fast_descent()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(300, 2.5, 0.3, 0.1)).Config("learning_rate", 5e-5).Build();
        Assert.Empty(Findings(run, "lr-too-low"));
    }

    [Fact]
    public void Lr_too_high_fires_when_the_loss_swings_without_progress()
    {
        // Bouncing between about 0.25 and 2.2 around 1.2 for the whole run.
        double[] loss = [.. Enumerable.Range(0, 200).Select(i => 1.2 * (1 + (0.8 * Math.Sin(i * 1.7)))).Zip(RunBuilder.Noise(200, 0.05, 11), (a, e) => a + e)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 3e-3).Build();
        var f = Assert.Single(Findings(run, "lr-too-high"));
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 1e-3) < 1e-12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Lr_too_high_stays_quiet_on_a_noisy_but_falling_loss(int seed)
    {
        double[] loss = [.. RunBuilder.Falling(300, 2.5, 0.4, 0).Zip(RunBuilder.Noise(300, 0.15, seed), (a, e) => a * (1 + e))];
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, loss).Build(), "lr-too-high"));
    }
}
