using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0105 underfitting, RL0106 not-converged, RL0201 lr-too-high, RL0202 lr-too-low on realistic noisy series.</summary>
public sealed class ConvergenceRuleTests : RuleTestBase
{
    internal static double[] Flat(int n, double level, double sd, int seed) => [.. RunBuilder.Noise(n, sd, seed).Select(e => level + e)];

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
    public void Underfitting_stays_quiet_when_validation_was_once_far_lower_than_where_it_ended()
    {
        // Train and validation loss end together near ln 3, but validation was 0.83 at its best: learned, then lost.
        var lost = new RunBuilder().Series("train/loss", 10, Flat(100, 1.09, 0.02, 1))
            .Series("val/loss", 100, 1.05, 0.95, 0.88, 0.83, 0.9, 1.0, 1.06, 1.08, 1.07, 1.07).Build();
        Assert.Empty(Findings(lost, "underfitting"));

        // A dip of 10% below the end is within what a flat validation loss wanders: still underfitting.
        var flat = new RunBuilder().Series("train/loss", 10, Flat(100, 1.09, 0.02, 1))
            .Series("val/loss", 100, 1.10, 1.05, 0.99, 1.04, 1.08, 1.10, 1.09, 1.10, 1.10, 1.10).Build();
        Assert.Single(Findings(flat, "underfitting"));
    }

    [Fact]
    public void Underfitting_stays_quiet_when_the_loss_falls_or_a_gap_opens()
    {
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.5, 0.05)).Build(), "underfitting"));
        var gap = new RunBuilder().Series("train/loss", 10, Flat(100, 0.2, 0.01, 2)).Series("val/loss", 100, 0.5, 0.52, 0.55, 0.6, 0.62).Build();
        Assert.Empty(Findings(gap, "underfitting"));
    }

    [Fact]
    public void Underfitting_stays_quiet_on_a_bounded_loss_while_the_task_metric_climbs()
    {
        // A dice-style loss near 1 falls about 8% (train and validation close) while IoU climbs 0.25 -> 0.65: learning.
        double[] iou = [0.25, 0.33, 0.40, 0.46, 0.51, 0.55, 0.58, 0.61, 0.63, 0.65];
        double[] valLoss = [0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.915, 0.91, 0.905, 0.90];
        RunBuilder Dice() => new RunBuilder().Series("train/loss", 10, [.. Enumerable.Range(0, 100).Select(i => 0.975 - (0.0008 * i))])
            .Series("val/loss", 100, valLoss);
        Assert.Empty(Findings(Dice().Series("val/iou", 100, iou).Build(), "underfitting"));

        // The same loss with an IoU that only wanders around 0.25 is underfitting.
        double[] flat = [0.25, 0.26, 0.25, 0.24, 0.26, 0.25, 0.26, 0.25, 0.24, 0.26];
        Assert.Single(Findings(Dice().Series("val/iou", 100, flat).Build(), "underfitting"));
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

    [Fact]
    public void Lr_too_low_names_the_learning_rate_when_the_loss_sits_at_chance_level()
    {
        // Three classes (ln 3 = 1.0986) at 1e-6: the loss never leaves chance level over 200 logs.
        double[] loss = [.. RunBuilder.Noise(200, 0.01, 4).Select(e => Math.Log(3) + e)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 1e-6).Config("model.num_labels", 3).Build();
        var f = Assert.Single(Findings(run, "lr-too-low"));
        Assert.Contains("chance level", f.Title, StringComparison.Ordinal);
        var e = EvidenceOf<LearningRateTooLowEvidence>(f);
        Assert.Equal(3, e.Classes);
        Assert.Equal(Math.Log(3), e.ChanceLevel!.Value, 12);

        // A BERT-like encoder at 1e-6: raised to the bottom of its family's usual range, with the source in the evidence.
        var bert = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 1e-6).Config("model.num_labels", 3)
            .Config("model.model_type", "bert").Build();
        var fb = Assert.Single(Findings(bert, "lr-too-low"));
        Assert.Equal("bert-like-encoder", EvidenceOf<LearningRateTooLowEvidence>(fb).PriorFamily);
        Assert.Contains("1810.04805", EvidenceOf<LearningRateTooLowEvidence>(fb).PriorSource, StringComparison.Ordinal);
        Assert.Contains(fb.Recommendations[0].ConfigChanges, c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 1e-5) < 1e-15);

        // The same flat loss at a usual rate is not the learning rate's doing (the loss is not at chance: 0.3 for 3 classes).
        double[] low = [.. RunBuilder.Noise(200, 0.01, 4).Select(e => 0.3 + e)];
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, low).Config("learning_rate", 2e-5).Config("model.num_labels", 3).Build(), "lr-too-low"));
    }

    [Fact]
    public void Lr_too_high_names_the_rate_where_the_loss_turned_during_warmup_and_the_family_prior()
    {
        // A BERT fine-tune whose warmup climbs to 0.01 (200x the top of the usual 1e-5 to 5e-5) over the first 40% of 300
        // logs: the loss falls while the rate is small, turns upward as it climbs, and stays high.
        var n = 300;
        double[] lr = [.. Enumerable.Range(0, n).Select(i => 0.01 * Math.Min(1, (i + 1) / 120.0))];
        double[] loss = [.. Enumerable.Range(0, n).Select(i => i < 30 ? 0.69 - (0.004 * i) : Math.Min(0.95, 0.57 + (0.006 * (i - 30))))
            .Zip(RunBuilder.Noise(n, 0.03, 7), (a, e) => a + e)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Series("train/learning_rate", 10, lr)
            .Config("learning_rate", 0.01).Config("warmup_ratio", 0.4).Config("model.model_type", "bert").Build();
        var f = Assert.Single(Findings(run, "lr-too-high"));
        var e = EvidenceOf<LearningRateTooHighEvidence>(f);
        Assert.NotNull(e.TurnStep);
        Assert.InRange(e.TurnStep!.Value, 150, 450);
        Assert.InRange(e.LearningRateAtTurn!.Value, 0.001, 0.004);
        Assert.True(e.Rise >= 0.5);
        Assert.Equal("bert-like-encoder", e.PriorFamily);
        Assert.Equal("arxiv.org/abs/1810.04805", e.PriorSource);
        Assert.Equal(200, e.PriorRatio!.Value, 6);
        Assert.Contains("as the warmup raised the learning rate", f.Title, StringComparison.Ordinal);
        Assert.Contains("200× the top of the usual range", f.Title, StringComparison.Ordinal);
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 5e-5) < 1e-15);
        Assert.DoesNotContain(f.Recommendations, r => r.Action.Contains("Add a warmup", StringComparison.Ordinal));
    }

    [Fact]
    public void Lr_too_high_fires_when_the_first_updates_throw_the_loss_far_above_chance_and_it_keeps_bouncing()
    {
        // Adam at 0.3 on a 10-class MLP: the first logs jump to 25 (ln 10 = 2.30), the loss comes back to about 1.2 and
        // bounces about 20% around a slowly falling level, so it neither stalls (it fell more than 10%) nor turns upward
        // after an early best (its lowest block comes late): only the blow-up shows the rate.
        var n = 114;
        double[] loss = [.. Enumerable.Range(0, n).Select(i => i < 5 ? new[] { 16.8, 25.0, 18.3, 9.0, 4.0 }[i]
            : (1.4 - (0.4 * i / n)) * (1 + (0.3 * Math.Sin(i * 1.7))))];
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 5, loss).Config("learning_rate", 0.3).Build(), "lr-too-high"));

        var run = new RunBuilder().Series("train/loss", 5, loss).Config("learning_rate", 0.3).Config("num_classes", 10).Build();
        var f = Assert.Single(Findings(run, "lr-too-high"));
        var e = EvidenceOf<LearningRateTooHighEvidence>(f);
        Assert.Equal(25.0, e.EarlyPeak, 12);
        Assert.Equal(Math.Log(10), e.ChanceLoss!.Value, 12);
        Assert.Equal(25.0 / Math.Log(10), e.BlowUp!.Value, 9);
        Assert.Null(e.TurnStep);
        Assert.True(e.RelativeDrop > e.ThresholdDrop);
        Assert.Contains("a fresh classifier starts at", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Lr_too_high_leaves_a_single_step_up_at_a_steady_rate_to_the_data()
    {
        // The loss falls, then jumps once to a new level and stays there, smooth, at a constant rate: a data change.
        var n = 200;
        double[] loss = [.. Enumerable.Range(0, n).Select(i => i < 90 ? 1.0 - (0.007 * i) : 1.6)
            .Zip(RunBuilder.Noise(n, 0.01, 2), (a, e) => a + e)];
        double[] lr = [.. Enumerable.Repeat(1e-3, n)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Series("train/learning_rate", 10, lr).Config("learning_rate", 1e-3).Build();
        Assert.Empty(Findings(run, "lr-too-high"));
    }
}
