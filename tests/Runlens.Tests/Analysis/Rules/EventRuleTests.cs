using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0401 epoch-step-mismatch, RL0402 sudden-metric-drop, RL0403 change-point, RL0404 metric-anomaly.</summary>
public sealed class EventRuleTests : RuleTestBase
{
    [Fact]
    public void Epoch_step_mismatch_names_the_effective_batch_that_explains_the_log()
    {
        // 22,395 examples at batch 2 imply 11,198 steps per epoch; the log says 2,800 (NER run): 4x the batch.
        var run = new RunBuilder().Series("train/loss", [2800, 5600, 8400], [0.8, 0.5, 0.4], epochs: [1, 2, 3])
            .Config("per_device_train_batch_size", 2).Build() with { Dataset = new DatasetStats(TrainExamples: 22395) };
        var f = Assert.Single(Findings(run, "epoch-step-mismatch"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal(4, EvidenceOf<EpochStepMismatchEvidence>(f).ExplainedByDevices);
    }

    [Fact]
    public void Epoch_step_mismatch_stays_quiet_when_the_numbers_agree_or_are_unknown()
    {
        var agree = new RunBuilder().Series("train/loss", [700, 1400], [0.8, 0.5], epochs: [1, 2])
            .Config("per_device_train_batch_size", 32).Build() with { Dataset = new DatasetStats(TrainExamples: 22395) };
        Assert.Empty(Findings(agree, "epoch-step-mismatch"));
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", [700, 1400], [0.8, 0.5], epochs: [1, 2]).Build(), "epoch-step-mismatch"));
    }

    [Fact]
    public void Sudden_metric_drop_fires_on_a_cliff_that_does_not_recover()
    {
        var run = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.6, 0.05))
            .Series("val/accuracy", 200, 0.80, 0.85, 0.88, 0.90, 0.41, 0.43, 0.42, 0.44, 0.45, 0.45)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true }).Build();
        var f = Assert.Single(Findings(run, "sudden-metric-drop"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(800L, EvidenceOf<SuddenMetricDropEvidence>(f).FromStep);
        Assert.Equal(1000L, EvidenceOf<SuddenMetricDropEvidence>(f).ToStep);
        Assert.False(EvidenceOf<SuddenMetricDropEvidence>(f).Recovered);
    }

    [Fact]
    public void Sudden_metric_drop_stays_quiet_on_ordinary_wobble()
    {
        var run = new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.6, 0.05))
            .Series("val/accuracy", 200, 0.80, 0.83, 0.82, 0.85, 0.84, 0.86, 0.85, 0.87, 0.86, 0.87)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true }).Build();
        Assert.Empty(Findings(run, "sudden-metric-drop"));
    }

    [Fact]
    public void Change_point_reports_a_loss_that_jumps_to_a_higher_level_and_stays()
    {
        double[] loss = [.. RunBuilder.Falling(400, 2, 0.5, 0).Select((x, i) => i >= 250 ? x * 2 : x).Zip(RunBuilder.Noise(400, 0.03, 4), (a, e) => a + e)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Build();
        var f = Assert.Single(Findings(run, "change-point"));
        Assert.InRange(EvidenceOf<ChangePointEvidence>(f).ChangeStep, 2450L, 2550L);
        Assert.Equal(Severity.Info, f.Severity);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Change_point_stays_quiet_on_a_healthy_decaying_loss(int seed)
    {
        double[] loss = [.. RunBuilder.Falling(1000, 2.5, 0.4, 0).Zip(RunBuilder.Noise(1000, 0.08, seed), (a, e) => a * (1 + e))];
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, loss).Build(), "change-point"));
    }

    [Fact]
    public void Metric_anomaly_flags_one_impossible_point_and_ignores_noise()
    {
        double[] acc = [.. RunBuilder.Noise(60, 0.005, 6).Select((e, i) => 0.7 + (0.003 * i) + e)];
        var quiet = new RunBuilder().Series("train/accuracy", 10, acc).Build();
        Assert.Empty(Findings(quiet, "metric-anomaly"));

        acc[33] = 0.05;
        var f = Assert.Single(Findings(new RunBuilder().Series("train/accuracy", 10, acc).Build(), "metric-anomaly"));
        Assert.Equal(340L, EvidenceOf<MetricAnomalyEvidence>(f).Step);
    }

    /// <summary>Warmup to 1e-3 over 10 logs, cosine decay to near zero, then (a resumed job with a fresh scheduler) the warmup again.</summary>
    private static double[] Schedule(bool restart)
    {
        var lr = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            lr.Add(1e-3 * (i + 1) / 10);
        }

        for (var i = 0; i < 60; i++)
        {
            lr.Add(1e-3 * 0.5 * (1 + Math.Cos(Math.PI * i / 60)));
        }

        for (var i = 0; i < 30; i++)
        {
            lr.Add(restart ? (i < 10 ? 1e-3 * (i + 1) / 10 : 1e-3 * 0.5 * (1 + Math.Cos(Math.PI * (i - 10) / 20))) : 1e-6);
        }

        return [.. lr];
    }

    [Fact]
    public void Change_point_reports_a_learning_rate_schedule_that_warmed_up_again_mid_run()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.2, 0.01))
            .Series("train/learning_rate", 10, Schedule(restart: true)).Build();
        var f = Assert.Single(Findings(run, "change-point"), x => x.Evidence is ScheduleRestartEvidence);
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<ScheduleRestartEvidence>(f);
        Assert.Equal(710L, e.RestartStep);
        Assert.Equal(1e-3, e.PeakRate, 12);
        Assert.True(e.LowRate <= 0.3 * e.PeakRate);
        Assert.InRange(e.RestartedRate, 0.5e-3, 1.5e-3);
        Assert.Contains("restarted at step 710", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_point_leaves_a_warmup_then_decay_a_spike_and_a_cyclic_schedule_alone()
    {
        Assert.DoesNotContain(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.2, 0.01))
            .Series("train/learning_rate", 10, Schedule(restart: false)).Build(), "change-point"), x => x.Evidence is ScheduleRestartEvidence);

        var spike = Schedule(restart: false);
        spike[80] = 0.1;
        Assert.DoesNotContain(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.2, 0.01))
            .Series("train/learning_rate", 10, spike).Build(), "change-point"), x => x.Evidence is ScheduleRestartEvidence);

        Assert.DoesNotContain(Findings(new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(100, 2, 0.2, 0.01))
            .Series("train/learning_rate", 10, Schedule(restart: true)).Config("lr_scheduler_type", "cosine_with_restarts").Build(), "change-point"),
            x => x.Evidence is ScheduleRestartEvidence);
    }
}
