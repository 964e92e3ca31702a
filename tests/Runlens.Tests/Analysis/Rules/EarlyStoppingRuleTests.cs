using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class EarlyStoppingRuleTests : RuleTestBase
{
    [Fact]
    public void Says_where_patience_3_would_have_stopped_and_what_it_saves()
    {
        // 30 epochs of 401 steps; best at epoch 1, then never better.
        double[] val = [1.114, .. Enumerable.Range(1, 29).Select(i => 1.2 + i * 0.05)];
        var run = new RunBuilder().Series("val/loss", 401, val).Build();
        var f = Assert.Single(Findings(run, "early-stopping"));
        Assert.Equal(3, EvidenceOf<EarlyStoppingEvidence>(f).Patience);
        Assert.Equal(401L, EvidenceOf<EarlyStoppingEvidence>(f).BestStep);
        Assert.Equal(1604L, EvidenceOf<EarlyStoppingEvidence>(f).StopStep);     // 4th evaluation
        Assert.Equal(12030L - 1604L, EvidenceOf<EarlyStoppingEvidence>(f).StepsSaved);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "early_stopping_patience" && c.To.Number == 3);
    }

    [Fact]
    public void Uses_the_trainers_configured_patience()
    {
        var run = new RunBuilder()
            .Series("val/loss", 100, 1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0)
            .Trainer(t => t with { EarlyStopping = new EarlyStoppingState(5, 0.0, 0) })
            .Build();
        var f = Assert.Single(Findings(run, "early-stopping"));
        Assert.Equal(5, EvidenceOf<EarlyStoppingEvidence>(f).Patience);
        Assert.Equal(700L, EvidenceOf<EarlyStoppingEvidence>(f).StopStep);
    }

    [Fact]
    public void Reports_that_the_callback_fired_when_the_trainer_state_says_so()
    {
        var run = new RunBuilder()
            .Series("val/loss", 100, 1.0, 0.9, 0.95, 0.96)
            .Trainer(t => t with { EarlyStopping = new EarlyStoppingState(2, 0.0, 2) })
            .Build();
        var f = Assert.Single(Findings(run, "early-stopping"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal("trainer-state", EvidenceOf<EarlyStoppingFiredEvidence>(f).EvidenceSource);
    }

    [Fact]
    public void Infers_an_unrecorded_early_stop_from_a_short_log()
    {
        // Older transformers: the log ends at step 130 of 645 after two evaluations worse than the first.
        var run = new RunBuilder()
            .Series("val/f1", 43, 0.75, 0.70, 0.72)
            .Trainer(t => t with { BestMetricKey = "val/f1", GreaterIsBetter = true, GlobalStep = 130, MaxSteps = 645 })
            .Build();
        var f = Assert.Single(Findings(run, "early-stopping"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal(2, EvidenceOf<EarlyStopInferredEvidence>(f).EvalsWithoutImprovement);
    }

    [Fact]
    public void Does_not_fire_while_the_metric_keeps_improving()
    {
        var run = new RunBuilder().Series("val/loss", 200, 1.62, 1.4, 1.3, 1.2, 1.15, 1.122).Build();
        Assert.Empty(Findings(run, "early-stopping"));
    }

    [Fact]
    public void Stays_quiet_when_the_metric_improved_after_the_stop_point()
    {
        // Noisy but still learning: patience 3 would stop at the 6th eval, yet the loss falls 5% further later.
        var run = new RunBuilder().Series("val/loss", 100, 2.30, 2.20, 2.17, 2.19, 2.19, 2.19, 2.16, 2.12, 2.08, 2.06).Build();
        Assert.Empty(Findings(run, "early-stopping"));
    }

    [Fact]
    public void A_threshold_makes_tiny_improvements_not_count()
    {
        var run = new RunBuilder().Series("val/loss", 100, 1.0, 0.999, 0.998, 0.997, 0.996).Build();
        Assert.Empty(Findings(run, "early-stopping"));
        Assert.Single(Findings(run, "early-stopping", "early-stopping.threshold=0.01"));
    }

    [Fact]
    public void An_early_stop_event_counts_as_fired()
    {
        var run = new RunBuilder()
            .Series("val/loss", 100, 1.0, 0.9, 0.95)
            .Event(new RunEvent(RunEventKind.EarlyStop, "EarlyStopping stopped the run"))
            .Build();
        Assert.Equal("trainer-state", EvidenceOf<EarlyStoppingFiredEvidence>(Assert.Single(Findings(run, "early-stopping"))).EvidenceSource);
    }

    [Fact]
    public void Past_best_checkpoint_is_information_when_early_stopping_ended_the_run_and_the_trainer_reloaded_the_best()
    {
        double[] val = [0.9, 0.7, 0.6, 0.55, 0.60, 0.66, 0.70];
        var builder = () => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(30, 1.2, 0.2)).Series("val/loss", 100, val);
        var plain = Assert.Single(Findings(builder().Build(), "past-best-checkpoint"));
        Assert.True(plain.Severity >= Severity.Warning);

        var stopped = builder().Checkpoint(400, "checkpoint-400")
            .Trainer(t => t with { EarlyStopping = new EarlyStoppingState(3, 0, 3), BestCheckpoint = "checkpoint-400", BestStep = 400, ShouldTrainingStop = true })
            .Build();
        var f = Assert.Single(Findings(stopped, "past-best-checkpoint"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("reloaded checkpoint-400", f.Title, StringComparison.Ordinal);
    }
}
