using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>
/// The pictures that are not what a rule reports, each beside the picture the rule is for: a learning curve's steep rise
/// (metric-anomaly), a loss that drifts upward (change-point), an overfitting model's noisy decline and a tiny evaluation
/// set (sudden-metric-drop), and the mild rise before early stopping reloaded the best checkpoint (overfitting,
/// past-best-checkpoint).
/// </summary>
public sealed class FalseAlarmGuardTests : RuleTestBase
{
    // A GRU run's validation accuracy, one evaluation per epoch (benchmark run healthy-early-stopped--gru-tokens--s100).
    private static readonly double[] LearningCurve =
        [0.565, 0.595, 0.672, 0.858, 0.955, 0.99, 0.99, 0.988, 0.988, 0.985, 0.988, 0.975, 0.983, 0.988, 0.985, 0.985, 0.985, 0.983, 0.985, 0.983, 0.988, 0.983, 0.99, 0.985, 0.983, 0.985];

    [Fact]
    public void Metric_anomaly_does_not_call_a_point_on_a_learning_curves_steep_rise_an_outlier()
    {
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 13, LearningCurve).Build(), "metric-anomaly"));
    }

    [Fact]
    public void Metric_anomaly_still_flags_a_point_that_falls_below_both_neighbours_on_the_plateau()
    {
        double[] acc = [.. LearningCurve];
        acc[15] = 0.60;
        var f = Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 13, acc).Build(), "metric-anomaly"));
        Assert.Equal(13L * 16, EvidenceOf<MetricAnomalyEvidence>(f).Step); // the 16th evaluation
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Change_point_stays_quiet_on_a_loss_that_drifts_upward_without_a_jump(int seed)
    {
        // Falls for a fifth of the run, then climbs steadily from 0.5 to 1.7 with bounces (too high a learning rate).
        double[] loss = [.. Enumerable.Range(0, 300).Select(i => i < 60 ? 2.3 - (1.8 * i / 60) : 0.5 + (1.2 * (i - 60) / 240))
            .Zip(RunBuilder.Noise(300, 0.25, seed), (a, e) => a * (1 + e))];
        var run = new RunBuilder().Series("train/loss", 5, loss).Build();
        Assert.Empty(Findings(run, "change-point"));
        // PELT itself splits the drift into levels: without the step-against-line test they would be reported.
        Assert.NotEmpty(Findings(run, "change-point", "change-point.min_step_fit=0"));
    }

    private static double[] OverfittingValLoss => [1.0, 0.86, 0.77, 0.70, 0.76, 0.78, 0.79, 0.79, 0.81, 0.87, 0.84, 0.91, 0.97, 1.0, 1.10, 1.40, 1.30, 1.33, 1.42, 1.37, 1.46, 1.49, 1.60, 1.58, 1.62];

    [Fact]
    public void Sudden_metric_drop_reads_a_step_within_an_overfitting_models_decline_as_its_trend()
    {
        var run = new RunBuilder().Series("train/loss", 5, RunBuilder.Falling(100, 1.2, 0.01))
            .Series("val/loss", 20, OverfittingValLoss).Build();
        Assert.Empty(Findings(run, "sudden-metric-drop"));
        Assert.Single(Findings(run, "sudden-metric-drop", "sudden-metric-drop.min_decline_evals=1000"));
    }

    [Fact]
    public void Sudden_metric_drop_still_fires_on_the_same_jump_when_the_training_loss_rose_with_it()
    {
        // Validation and training loss get worse together: no memorisation, the jump is the event to look at.
        double[] train = [.. Enumerable.Range(0, 100).Select(i => i < 20 ? 1.2 - (0.04 * i) : 0.4 + (0.02 * (i - 20)))];
        var run = new RunBuilder().Series("train/loss", 5, train).Series("val/loss", 20, OverfittingValLoss).Build();
        var f = Assert.Single(Findings(run, "sudden-metric-drop"));
        Assert.Equal(Severity.Warning, f.Severity);
    }

    [Fact]
    public void Sudden_metric_drop_leaves_an_evaluation_set_too_small_to_trust_to_eval_too_small()
    {
        RunBuilder Builder() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 2, 0.6, 0.05))
            .Series("val/accuracy", 200, 0.80, 0.85, 0.88, 0.90, 0.41, 0.43, 0.42, 0.44, 0.45, 0.45)
            .Trainer(t => t with { BestMetricKey = "val/accuracy", GreaterIsBetter = true });
        Assert.Single(Findings(Builder().Build() with { Dataset = new DatasetStats(EvalExamples: 500) }, "sudden-metric-drop"));
        Assert.Empty(Findings(Builder().Build() with { Dataset = new DatasetStats(EvalExamples: 12) }, "sudden-metric-drop"));
    }

    /// <summary>Patience 3 after the best at step 84; the runlens callback's state (no EarlyStoppingCallback state), 15 of 100 planned epochs.</summary>
    private static RunBuilder StoppedEarly(double? epochAtEnd = 15) => new RunBuilder()
        .Series("train/loss", 7, RunBuilder.Falling(15, 1.0, 0.5))
        .Series("val/loss", [49, 56, 63, 70, 77, 84, 91, 98, 105], [0.85, 0.83, 0.82, 0.815, 0.80, 0.7935, 0.805, 0.82, 0.84])
        .Config("load_best_model_at_end", true).Config("num_train_epochs", 100)
        .Checkpoint(84, "checkpoint-84").Checkpoint(105, "checkpoint-105")
        .Trainer(t => t with { BestStep = 84, BestCheckpoint = "checkpoint-84", ShouldTrainingStop = true, GlobalStep = 105, Epoch = epochAtEnd });

    [Fact]
    public void Past_best_checkpoint_is_information_when_the_trainer_stopped_early_and_reloaded_the_best_without_saving_the_callbacks_state()
    {
        var f = Assert.Single(Findings(StoppedEarly().Build(), "past-best-checkpoint"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Contains("checkpoint-84", f.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_best_checkpoint_still_warns_when_the_run_ended_at_its_planned_length()
    {
        var f = Assert.Single(Findings(StoppedEarly(epochAtEnd: 100).Build(), "past-best-checkpoint"));
        Assert.Equal(Severity.Warning, f.Severity);
    }

    [Fact]
    public void Overfitting_is_information_for_the_mild_rise_before_early_stopping_reloaded_the_best()
    {
        var stopped = Assert.Single(Findings(StoppedEarly().Build(), "overfitting"));
        Assert.Equal(Severity.Info, stopped.Severity);
        Assert.Equal("mild", EvidenceOf<OverfittingEvidence>(stopped).Level);

        var ranOn = Assert.Single(Findings(StoppedEarly(epochAtEnd: 100).Build(), "overfitting"));
        Assert.Equal(Severity.Warning, ranOn.Severity);
    }

    /// <summary>Labels without signal, 10 classes: the validation loss climbs from ln 10 while the model memorises the
    /// training labels; the accuracy wanders from 0.08 up to 0.13, around a uniform guess (0.1).</summary>
    private static RunBuilder Memorising(double[] accuracy) => new RunBuilder()
        .Series("train/loss", 10, RunBuilder.Falling(100, 2.3, 0.05))
        .Series("val/loss", 100, 2.31, 2.30, 2.33, 2.40, 2.55, 2.70, 2.90, 3.10, 3.40, 3.70)
        .Series("val/accuracy", 100, accuracy)
        .Config("num_labels", 10);

    [Fact]
    public void Overfitting_does_not_excuse_a_rising_loss_by_an_accuracy_gain_at_chance()
    {
        var f = Assert.Single(Findings(Memorising([0.08, 0.09, 0.10, 0.11, 0.10, 0.12, 0.11, 0.13, 0.12, 0.12]).Build(), "overfitting"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("severe", EvidenceOf<OverfittingEvidence>(f).Level);

        // The same loss beside an accuracy that really climbs: only the loss got worse (information).
        var lossOnly = Assert.Single(Findings(Memorising([0.50, 0.60, 0.65, 0.70, 0.72, 0.75, 0.77, 0.78, 0.80, 0.81]).Build(), "overfitting"));
        Assert.Equal(Severity.Info, lossOnly.Severity);
        Assert.Equal("loss-only", EvidenceOf<OverfittingEvidence>(lossOnly).Level);
    }

    [Fact]
    public void Metric_anomaly_leaves_an_accuracy_at_chance_alone()
    {
        // Three classes; a model that learned nothing predicts about a third right, with one lucky evaluation.
        double[] acc = [.. Enumerable.Repeat(0.2967, 30)];
        acc[18] = 0.3617;
        Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 10, acc).Build(), "metric-anomaly"));
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 10, acc).Config("num_labels", 3).Build(), "metric-anomaly"));
    }

    [Fact]
    public void Metric_anomaly_does_not_call_a_return_to_a_level_the_series_holds_elsewhere_an_outlier()
    {
        // A Keras run at chance without a class count (development run underfitting-capacity--narrow-mlp-digits--s148):
        // the validation accuracy moves between 61/597 and 53/597 and back; each is a level the series holds elsewhere.
        double[] acc = [.. Enumerable.Repeat(0.10218, 5), 0.08878, 0.10218, .. Enumerable.Repeat(0.08878, 23)];
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 1, acc).Build(), "metric-anomaly"));

        // A value the series never takes elsewhere is still an outlier.
        acc[20] = 0.0754;
        var f = Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 1, acc).Build(), "metric-anomaly"));
        Assert.Equal(21L, EvidenceOf<MetricAnomalyEvidence>(f).Step);
    }

    // An overfitting GRU's validation accuracy and loss, every 13 steps (development run overfitting--gru-tokens--s105):
    // its best evaluation (step 65) stands 8 points above its neighbours, and the loss is at its lowest there too.
    private static readonly double[] GruAccuracy =
        [0.5075, 0.6925, 0.7225, 0.7375, 0.815, 0.7375, 0.745, 0.7725, 0.735, 0.7275, 0.7275, 0.7225, 0.7225, 0.72, 0.705, 0.7125, 0.71, 0.715, 0.6975, 0.695,
         0.71, 0.7175, 0.715, 0.7125, 0.7075, 0.7075, 0.715, 0.715, 0.7, 0.7025, 0.705, 0.7025, 0.7, 0.7075, 0.6975, 0.7, 0.6975, 0.7, 0.7, 0.7];

    private static readonly double[] GruLoss =
        [0.9926, 0.7779, 0.8227, 0.7701, 0.6477, 0.7915, 0.7241, 0.7346, 0.8102, 0.7921, 0.8, 0.9097, 0.8596, 0.8707, 1.045, 0.9417, 1.018, 1.155, 1.093, 1.288,
         1.211, 1.251, 1.283, 1.33, 1.355, 1.399, 1.408, 1.436, 1.476, 1.485, 1.496, 1.521, 1.537, 1.555, 1.577, 1.581, 1.597, 1.613, 1.624, 1.64];

    [Fact]
    public void Metric_anomaly_does_not_call_a_better_evaluation_the_loss_agrees_with_an_outlier()
    {
        Assert.Empty(Findings(new RunBuilder().Series("val/accuracy", 13, GruAccuracy).Series("val/loss", 13, GruLoss).Build(), "metric-anomaly"));

        // Without the loss, or with a loss that did not get better at that evaluation, the point is an outlier.
        Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 13, GruAccuracy).Build(), "metric-anomaly"));
        double[] loss = [.. GruLoss];
        loss[4] = 0.80;
        var f = Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 13, GruAccuracy).Series("val/loss", 13, loss).Build(), "metric-anomaly"));
        Assert.Equal(65L, EvidenceOf<MetricAnomalyEvidence>(f).Step);

        // A worse accuracy where the loss got better is not a better model either.
        double[] acc = [.. GruAccuracy];
        acc[4] = 0.655;
        Assert.Single(Findings(new RunBuilder().Series("val/accuracy", 13, acc).Series("val/loss", 13, GruLoss).Build(), "metric-anomaly"));
    }
}
