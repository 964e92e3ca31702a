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
}
