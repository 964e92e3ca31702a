using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class OverfittingRuleTests : RuleTestBase
{
    // Validation loss of a forecasting run: lowest at the 7th evaluation, then up every epoch (shape of a real Lightning log).
    private static readonly double[] ValRises = [0.266, 0.221, 0.196, 0.181, 0.170, 0.162, 0.157, 0.163, 0.171, 0.180, 0.189, 0.198, 0.209, 0.220];

    private static RunBuilder Overfit() => new RunBuilder()
        .Series("train/loss", 25, RunBuilder.Falling(140, 0.30, 0.09))
        .Series("val/loss", 250, ValRises);

    [Fact]
    public void Fires_when_val_loss_rises_after_its_minimum_while_train_loss_falls()
    {
        var f = Assert.Single(Findings(Overfit().Build(), "overfitting"));
        Assert.Equal("RL0101", f.RuleId);
        Assert.Equal(1750L, EvidenceOf<OverfittingEvidence>(f).BestStep);
        Assert.Equal(0.157, EvidenceOf<OverfittingEvidence>(f).BestValue, 12);
        Assert.Equal(0.220, EvidenceOf<OverfittingEvidence>(f).FinalValue, 12);
        Assert.Equal((0.220 - 0.157) / 0.157, EvidenceOf<OverfittingEvidence>(f).RelativeRise, 12);
        Assert.Equal("severe", EvidenceOf<OverfittingEvidence>(f).Level); // 40.1% rise
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains(1750L, f.Steps);
        Assert.Contains(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "load_best_model_at_end"));
    }

    [Fact]
    public void Severity_follows_the_size_of_the_rise()
    {
        double[] mild = [1.0, 0.8, 0.7, 0.65, 0.67, 0.69, 0.70];
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(70, 1.2, 0.3)).Series("val/loss", 100, mild).Build();
        var f = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal("mild", EvidenceOf<OverfittingEvidence>(f).Level);
        Assert.Equal(Severity.Warning, f.Severity);

        double[] severe = [1.0, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9];
        run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(70, 1.2, 0.1)).Series("val/loss", 100, severe).Build();
        f = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal("severe", EvidenceOf<OverfittingEvidence>(f).Level);
        Assert.Equal(Severity.Error, f.Severity);
    }

    [Fact]
    public void Does_not_fire_while_val_loss_keeps_falling()
    {
        var run = new RunBuilder()
            .Series("train/loss", 25, RunBuilder.Falling(140, 0.30, 0.09))
            .Series("val/loss", 250, 0.27, 0.22, 0.20, 0.18, 0.17, 0.165, 0.16, 0.158, 0.156, 0.155, 0.154, 0.153, 0.152, 0.151)
            .Build();
        Assert.Empty(Findings(run, "overfitting"));
    }

    [Fact]
    public void Does_not_fire_on_a_rise_smaller_than_the_threshold()
    {
        var run = new RunBuilder()
            .Series("train/loss", 25, RunBuilder.Falling(140, 0.30, 0.09))
            .Series("val/loss", 250, 0.27, 0.22, 0.20, 0.18, 0.17, 0.171, 0.172, 0.173)
            .Build();
        Assert.Empty(Findings(run, "overfitting"));
    }

    [Fact]
    public void Does_not_fire_when_train_loss_rises_too()
    {
        var run = new RunBuilder()
            .Series("train/loss", 25, [.. Enumerable.Range(0, 140).Select(i => 0.1 + i * 0.002)])
            .Series("val/loss", 250, ValRises)
            .Build();
        Assert.Empty(Findings(run, "overfitting"));
    }

    [Fact]
    public void The_threshold_can_be_raised_with_set()
    {
        Assert.Empty(Findings(Overfit().Build(), "overfitting", "overfitting.min_rise=0.5"));
    }

    [Fact]
    public void Is_blocked_not_guessed_without_validation_loss()
    {
        var run = new RunBuilder().Series("train/loss", 25, RunBuilder.Falling(140, 0.30, 0.09)).Build();
        var d = Diagnose(run);
        Assert.DoesNotContain(d.Findings, f => f.Rule == "overfitting");
        Assert.Contains(d.Coverage.Missing, m => m.Signal == "val/loss" && m.Blocks.Contains("overfitting"));
    }

    // A real run (a wide MLP on 150 examples of a 3-class task, AdamW, 60 epochs, logged by Lightning's CSVLogger): the
    // validation loss is lowest at the first evaluation, val/macro_f1 gains 0.47 → 0.61 by step 140 and stays there while
    // the validation loss doubles and the training loss goes to 0.001 (every fifth training log).
    private static readonly double[] MemorisingValLoss = [1.0441, 1.0968, 1.0583, 1.0673, 1.0715, 1.0821, 1.0780, 1.0720, 1.1090, 1.1644, 1.2419, 1.2672, 1.3699, 1.4246, 1.4712, 1.5279, 1.5784, 1.6102, 1.6475, 1.6831, 1.7143, 1.7464, 1.7859, 1.8104, 1.8389, 1.8676, 1.8969, 1.9170, 1.9330, 1.9490, 1.9706, 1.9906, 2.0128, 2.0273, 2.0419, 2.0606, 2.0729, 2.0892, 2.1083, 2.1194, 2.1336, 2.1504, 2.1602, 2.1728, 2.1874, 2.1999, 2.2144, 2.2274, 2.2376, 2.2519, 2.2637, 2.2696, 2.2795, 2.2927, 2.2990, 2.3082, 2.3217, 2.3317, 2.3439, 2.3526];
    private static readonly double[] MemorisingF1 = [0.4718, 0.4436, 0.5152, 0.5385, 0.5359, 0.5576, 0.5806, 0.6036, 0.5878, 0.6017, 0.5834, 0.6083, 0.5905, 0.6102, 0.6020, 0.5954, 0.5951, 0.6018, 0.6055, 0.5939, 0.5984, 0.6000, 0.5953, 0.5967, 0.5936, 0.5969, 0.5924, 0.5953, 0.5987, 0.5970, 0.5969, 0.5954, 0.5968, 0.5953, 0.5954, 0.5953, 0.5937, 0.5921, 0.5921, 0.5921, 0.5937, 0.5937, 0.5937, 0.5954, 0.5954, 0.5938, 0.5953, 0.5937, 0.5954, 0.5954, 0.5921, 0.5954, 0.5972, 0.5936, 0.5921, 0.5937, 0.5919, 0.5954, 0.5936, 0.5937];
    private static readonly double[] MemorisingTrainLoss = [1.0997, 0.8021, 0.6991, 0.5587, 0.6233, 0.4633, 0.3659, 0.3212, 0.1920, 0.1414, 0.0928, 0.0723, 0.0646, 0.0437, 0.0328, 0.0297, 0.0195, 0.0156, 0.0139, 0.0103, 0.0102, 0.0090, 0.0084, 0.0077, 0.0068, 0.0072, 0.0056, 0.0050, 0.0056, 0.0038, 0.0038, 0.0039, 0.0039, 0.0033, 0.0029, 0.0030, 0.0027, 0.0026, 0.0026, 0.0023, 0.0022, 0.0020, 0.0021, 0.0019, 0.0016, 0.0016, 0.0014, 0.0013, 0.0016, 0.0014, 0.0014, 0.0010, 0.0012, 0.0011, 0.0012, 0.0012, 0.0011, 0.0011, 0.0010, 0.0009];

    [Fact]
    public void A_task_metric_that_gained_early_and_then_stopped_does_not_excuse_a_loss_that_kept_rising()
    {
        var run = new RunBuilder().Series("train/loss", 10, MemorisingTrainLoss).Series("val/loss", 10, MemorisingValLoss)
            .Series("val/macro_f1", 10, MemorisingF1).Build();
        var f = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal(Severity.Error, f.Severity);
        var e = EvidenceOf<OverfittingEvidence>(f);
        Assert.Equal("severe", e.Level);
        Assert.Equal(140L, e.MetricBestStep);
        Assert.Equal((2.3526 - 1.4246) / 1.4246, e.RelativeRiseAfterMetricBest!.Value, 9); // from the loss at the metric's best
        Assert.Contains("stopped improving at step 140", f.Title, StringComparison.Ordinal);
        Assert.Empty(Findings(run, "metric-disagreement"));
        Assert.Equal("overfitting", Diagnose(run).RootCauses[0].Id);
    }

    [Fact]
    public void A_task_metric_still_improving_into_the_second_half_leaves_the_rise_to_the_loss()
    {
        // The same losses with the metric's gain spread over the run (best at the last evaluation): only the loss got worse.
        var climbing = MemorisingF1.Select((_, i) => 0.47 + (0.14 * i / 59.0)).ToArray();
        var run = new RunBuilder().Series("train/loss", 10, MemorisingTrainLoss).Series("val/loss", 10, MemorisingValLoss)
            .Series("val/macro_f1", 10, climbing).Build();
        var f = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal((Severity.Info, "loss-only"), (f.Severity, EvidenceOf<OverfittingEvidence>(f).Level));
        Assert.Null(EvidenceOf<OverfittingEvidence>(f).RelativeRiseAfterMetricBest);
        Assert.Single(Findings(run, "metric-disagreement"));
    }

    // A schedule restarted on resume (the shape of the benchmark's schedule-restart runs): warmup-cosine over 600 steps,
    // restarted at step 400 where the rate had decayed to 9% of its peak; the validation loss holds at its minimum (step 340)
    // until the restart and rises after it, while the training loss ends below where it was at the minimum.
    private static double RestartedRate(int step) =>
        step < 60 ? 0.01 * (step + 5) / 60.0
        : step < 400 ? 0.01 * (0.5 + (0.5 * Math.Cos(Math.PI * (step - 60) / 600.0)))
        : step < 420 ? 0.01 * (step - 395) / 25.0
        : 0.01 * (0.5 + (0.5 * Math.Cos(Math.PI * (step - 420) / 180.0)));

    private static RunBuilder Restarted(bool logRate)
    {
        var train = Enumerable.Range(1, 120).Select(i => i * 5 < 400 ? 1.0 * Math.Exp(-i / 12.0) + 0.02 : i * 5 < 470 ? 0.03 : 0.016).ToArray();
        var val = Enumerable.Range(1, 30).Select(i => i <= 17 ? 0.084 + (2.0 * (Math.Exp(-i / 3.0) - Math.Exp(-17 / 3.0))) : i <= 20 ? 0.084 + (0.0007 * (i - 17)) : 0.09 + (0.005 * (i - 21))).ToArray();
        var b = new RunBuilder().Series("train/loss", 5, train).Series("val/loss", 20, val);
        return logRate ? b.Series("train/learning_rate", 5, [.. Enumerable.Range(1, 120).Select(i => RestartedRate(i * 5))]) : b;
    }

    [Fact]
    public void A_rise_that_came_only_after_the_learning_rate_restarted_is_the_restarts_bump()
    {
        var f = Assert.Single(Findings(Restarted(logRate: true).Build(), "overfitting"));
        Assert.Equal(Severity.Info, f.Severity);
        var e = EvidenceOf<OverfittingRestartEvidence>(f);
        Assert.Equal(("restart", 340L, 405L, 400L), (e.Level, e.BestStep, e.RestartStep, e.StepBeforeRestart));
        Assert.True(e.RelativeRiseBeforeRestart < 0.05 && e.RelativeRise > 0.4, $"{e.RelativeRiseBeforeRestart} {e.RelativeRise}");
        Assert.Contains("only after train/learning_rate climbed back", f.Title, StringComparison.Ordinal);

        // Without the logged rate nothing shows the restart: the same curves are overfitting.
        f = Assert.Single(Findings(Restarted(logRate: false).Build(), "overfitting"));
        Assert.Equal((Severity.Error, "severe"), (f.Severity, EvidenceOf<OverfittingEvidence>(f).Level));
    }

    [Fact]
    public void A_rise_that_began_before_the_restart_is_still_overfitting()
    {
        // The rate restarts at step 405 as above, but the validation loss had already risen 12% by step 380.
        var train = Enumerable.Range(1, 120).Select(i => (1.0 * Math.Exp(-i / 12.0)) + 0.01).ToArray();
        var val = Enumerable.Range(1, 30).Select(i => i <= 14 ? 0.084 + (2.0 * Math.Exp(-i / 3.0)) : 0.102 + (0.003 * (i - 14))).ToArray();
        var run = new RunBuilder().Series("train/loss", 5, train).Series("val/loss", 20, val)
            .Series("train/learning_rate", 5, [.. Enumerable.Range(1, 120).Select(i => RestartedRate(i * 5))]).Build();
        var f = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.IsType<OverfittingEvidence>(f.Evidence);
    }

    [Fact]
    public void A_rise_that_is_a_sliver_of_what_the_run_gained_is_a_wobble_at_its_floor()
    {
        // A converged run: validation loss 1.1 -> 0.040, then up three evaluations in a row to 0.043 (7.5% of its minimum,
        // 0.3% of the 1.06 it gained).
        var train = RunBuilder.Falling(300, 1.1, 0.01, noise: 0.001);
        double[] Val(double floor) => [.. Enumerable.Range(0, 30).Select(i => i <= 26
            ? floor + ((1.1 - floor) * (Math.Exp(-i / 4.0) - Math.Exp(-6.5)) / (1 - Math.Exp(-6.5)))
            : floor * (1 + (0.025 * (i - 26))))];
        var f = Assert.Single(Findings(new RunBuilder().Series("train/loss", 10, train).Series("val/loss", 100, Val(0.040)).Build(), "overfitting"));
        var e = EvidenceOf<OverfittingEvidence>(f);
        Assert.Equal((Severity.Info, "floor"), (f.Severity, e.Level));
        Assert.Equal(0.075, e.RelativeRise, 9);
        Assert.True(e.RiseFractionOfGain is > 0.002 and < 0.004, $"{e.RiseFractionOfGain}");
        Assert.Equal(0.02, e.ThresholdFractionOfGain);

        // The same 7.5% rise from a minimum of 0.5 gives back 6% of the gain: overfitting.
        f = Assert.Single(Findings(new RunBuilder().Series("train/loss", 10, train).Series("val/loss", 100, Val(0.5)).Build(), "overfitting"));
        Assert.Equal((Severity.Warning, "mild"), (f.Severity, EvidenceOf<OverfittingEvidence>(f).Level));
    }

    [Fact]
    public void A_validation_loss_that_ends_non_finite_diverged_rather_than_overfit()
    {
        double[] val = [1.0, 0.98, 1.3, 2.5, 6.7, double.NaN, double.NaN];
        var train = RunBuilder.Falling(70, 1.1, 0.95);
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 10, train).Series("val/loss", 100, val).Build(), "overfitting"));
        Assert.Single(Findings(new RunBuilder().Series("train/loss", 10, train).Series("val/loss", 100, val[..5]).Build(), "overfitting"));
    }
}
