using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class MetricDisagreementRuleTests : RuleTestBase
{
    private static RunBuilder Base() => new RunBuilder().Series("train/loss", 50, RunBuilder.Falling(40, 1.2, 0.05, 0.02));

    [Fact]
    public void Fires_when_accuracy_keeps_improving_after_the_loss_minimum()
    {
        var run = Base()
            .Series("val/loss", 200, 0.60, 0.45, 0.41, 0.44, 0.49, 0.55, 0.60, 0.66, 0.70, 0.74)
            .Series("val/accuracy", 200, 0.78, 0.83, 0.85, 0.86, 0.87, 0.875, 0.88, 0.885, 0.887, 0.889)
            .Build();
        var f = Assert.Single(Findings(run, "metric-disagreement"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(600L, EvidenceOf<MetricDisagreementEvidence>(f).BestStep);
        Assert.Equal(2000L, EvidenceOf<MetricDisagreementEvidence>(f).MetricBestStep);
        Assert.Equal(0.85, EvidenceOf<MetricDisagreementEvidence>(f).MetricValueAtLossBest, 12);
        // selection was by validation loss: the fix switches it to accuracy
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "metric_for_best_model" && c.To.Text == "val/accuracy");

        // The loss rose 80% while accuracy gained 4.6%: still overfitting, capped at a warning and naming accuracy.
        var overfitting = Assert.Single(Findings(run, "overfitting"));
        Assert.Equal(Severity.Warning, overfitting.Severity);
        Assert.Equal("val/accuracy", EvidenceOf<OverfittingEvidence>(overfitting).MetricSeries);
    }

    [Fact]
    public void Stays_quiet_when_the_metric_peaks_with_the_loss()
    {
        var run = Base()
            .Series("val/loss", 200, 0.60, 0.45, 0.41, 0.44, 0.49, 0.55, 0.60, 0.66, 0.70, 0.74)
            .Series("val/accuracy", 200, 0.78, 0.83, 0.85, 0.849, 0.846, 0.84, 0.838, 0.835, 0.833, 0.83)
            .Build();
        Assert.Empty(Findings(run, "metric-disagreement"));
        Assert.Equal(Severity.Error, Assert.Single(Findings(run, "overfitting")).Severity);
    }

    [Fact]
    public void Per_class_scores_are_not_taken_for_the_task_metric()
    {
        var run = Base()
            .Series("val/loss", 200, 0.60, 0.45, 0.41, 0.44, 0.49, 0.55, 0.60, 0.66, 0.70, 0.74)
            .Series("val/T005_f1", 200, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
            .Series("val/T017_f1", 200, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3, 0.3)
            .Build();
        Assert.Empty(Findings(run, "metric-disagreement"));
    }

    [Fact]
    public void A_lucky_best_of_a_bouncing_metric_is_not_a_disagreement()
    {
        // A learning rate too high (a real run of the benchmark): validation loss best at the 16th evaluation, accuracy
        // touches 0.899 once afterwards but its later evaluations sit below its value at the loss's best.
        var run = Base()
            .Series("val/loss", 19, 6.842, 1.251, 0.97, 1.331, 1.556, 0.92, 1.108, 1.132, 0.941, 0.956, 0.943, 1.44, 0.985, 1.596, 2.068, 0.699, 1.065, 1.582, 2.144, 0.993, 1.817, 1.859, 2.126, 1.17, 1.917, 1.517, 1.593, 1.132, 1.582, 1.25)
            .Series("val/accuracy", 19, 0.345, 0.744, 0.827, 0.779, 0.725, 0.849, 0.806, 0.806, 0.873, 0.861, 0.854, 0.832, 0.876, 0.841, 0.799, 0.869, 0.843, 0.732, 0.794, 0.899, 0.814, 0.843, 0.772, 0.846, 0.871, 0.851, 0.878, 0.879, 0.863, 0.888)
            .Build();
        Assert.Empty(Findings(run, "metric-disagreement"));
    }
}
