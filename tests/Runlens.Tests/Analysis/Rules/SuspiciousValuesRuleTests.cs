using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class SuspiciousValuesRuleTests : RuleTestBase
{
    [Fact]
    public void Fires_when_the_training_loss_is_exactly_zero_for_a_long_stretch()
    {
        double[] loss = [.. RunBuilder.Falling(96, 1.1, 0.01), .. Enumerable.Repeat(0.0, 54)];
        var f = Assert.Single(Findings(new RunBuilder().Series("train/loss", 10, loss).Build(), "suspicious-values"));
        Assert.Equal(54, EvidenceOf<ZeroLossEvidence>(f).ZeroPoints);
        Assert.Equal(970L, EvidenceOf<ZeroLossEvidence>(f).FirstStep);
    }

    [Fact]
    public void Zeros_scattered_through_a_loss_rounded_to_four_decimals_are_not_counted()
    {
        // The HF Trainer logs the loss rounded to 4 decimals: a converged loss hovering near 5e-5 reads 0.0 now and then
        // between logs of 0.0001 and 0.0002. Seven such zeros, never five in a row, are rounding, not a loss of exactly zero.
        double[] converging = [.. RunBuilder.Falling(60, 1.1, 0.0002, 0.0).Select(v => Math.Round(v, 4))];
        double[] hovering = [.. converging, 0.0002, 0.0, 0.0, 0.0001, 0.0, 0.0, 0.0, 0.0002, 0.0, 0.0001, 0.0, 0.0002];
        Assert.Empty(Findings(new RunBuilder().Series("train/loss", 5, hovering).Build(), "suspicious-values"));

        // The same log ending in six zeros in a row: the loss stayed under the log's precision, still counted.
        double[] stayed = [.. hovering, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        var f = Assert.Single(Findings(new RunBuilder().Series("train/loss", 5, stayed).Build(), "suspicious-values"));
        var e = EvidenceOf<ZeroLossEvidence>(f);
        Assert.Equal(6, e.ZeroPoints);
        Assert.Equal(0.0001, e.LogResolution);
        Assert.Equal(7, e.RoundedZeroPoints);

        // Unrounded values: every zero counts, scattered or not.
        double[] unrounded = [.. RunBuilder.Falling(60, 1.1, 0.0002, 0.00001), 0.0, 0.00013, 0.0, 0.00021, 0.0, 0.00011, 0.0, 0.0, 0.00017];
        Assert.Null(EvidenceOf<ZeroLossEvidence>(Assert.Single(Findings(new RunBuilder().Series("train/loss", 5, unrounded).Build(), "suspicious-values"))).LogResolution);
    }

    [Fact]
    public void Fires_on_a_negative_loss()
    {
        var f = Assert.Single(Findings(new RunBuilder().Series("train/loss", 50, -35000, -90000, -200000, -463000).Build(), "suspicious-values"));
        Assert.Equal(-463000.0, EvidenceOf<NegativeLossEvidence>(f).MinValue);
    }

    [Fact]
    public void Fires_on_perfect_accuracy_with_zero_F1()
    {
        var run = new RunBuilder()
            .Series("train/accuracy", 50, 1.0, 1.0, 1.0)
            .Series("train/f1_score", 50, 0.0, 0.0, 0.0)
            .Build();
        var f = Assert.Single(Findings(run, "suspicious-values"));
        Assert.Equal(3, EvidenceOf<PerfectAccuracyZeroF1Evidence>(f).Points);
    }

    [Fact]
    public void Fires_when_train_and_validation_metrics_are_identical()
    {
        var run = new RunBuilder()
            .Series("train/accuracy", 100, 0.51, 0.53, 0.5468)
            .Series("val/accuracy", 100, 0.51, 0.53, 0.5468)
            .Build();
        var f = Assert.Single(Findings(run, "suspicious-values"));
        Assert.Equal(new[] { "accuracy" }, EvidenceOf<IdenticalSplitsEvidence>(f).Metrics);
    }

    [Fact]
    public void Fires_when_several_metrics_are_identical_even_at_a_single_point()
    {
        var run = new RunBuilder("wandb")
            .Series("train/accuracy", 1000, 0.5468).Series("val/accuracy", 1000, 0.5468)
            .Series("train/f1", 1000, 0.123).Series("val/f1", 1000, 0.123)
            .Series("train/prec", 1000, 0.2).Series("val/prec", 1000, 0.2)
            .Build();
        var f = Assert.Single(Findings(run, "suspicious-values"));
        Assert.Equal(3, EvidenceOf<IdenticalSplitsEvidence>(f).Metrics.Length);

        var two = new RunBuilder("wandb")
            .Series("train/accuracy", 1000, 0.5468).Series("val/accuracy", 1000, 0.5468)
            .Series("train/f1", 1000, 0.123).Series("val/f1", 1000, 0.123)
            .Build();
        Assert.Empty(Findings(two, "suspicious-values"));
    }

    [Fact]
    public void Does_not_fire_on_ordinary_values()
    {
        var run = new RunBuilder()
            .Series("train/loss", 10, RunBuilder.Falling(100, 2.0, 0.2))
            .Series("train/accuracy", 100, 0.5, 0.7, 0.8)
            .Series("val/accuracy", 100, 0.48, 0.66, 0.74)
            .Series("val/f1", 100, 0.4, 0.6, 0.7)
            .Build();
        Assert.Empty(Findings(run, "suspicious-values"));
    }
}
