using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class DivergenceRuleTests : RuleTestBase
{
    [Fact]
    public void Fires_when_the_training_loss_becomes_NaN()
    {
        double[] loss = [.. RunBuilder.Falling(12, 70, 50), .. Enumerable.Repeat(double.NaN, 12)];
        var run = new RunBuilder("wandb").Series("train/loss", 50, loss).Config("learning_rate", 2e-5).Build();
        var f = Assert.Single(Findings(run, "divergence"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(650L, EvidenceOf<DivergenceNonFiniteEvidence>(f).FirstNonFiniteStep);
        Assert.Equal(12, EvidenceOf<DivergenceNonFiniteEvidence>(f).NonFinitePoints);
        Assert.Contains(f.Recommendations[0].ConfigChanges, c => c.Key == "learning_rate" && c.To.Number == 1e-5);
    }

    [Fact]
    public void A_loss_NaN_from_the_first_log_points_at_the_objective_not_the_learning_rate()
    {
        var run = new RunBuilder("tensorboard").Series("train/loss", 50, [.. Enumerable.Repeat(double.NaN, 10)]).Build();
        var f = Assert.Single(Findings(run, "divergence"));
        Assert.Contains("first log", f.Title, StringComparison.Ordinal);
        Assert.Empty(f.Recommendations[0].ConfigChanges);
    }

    [Fact]
    public void Fires_when_the_training_loss_trends_up()
    {
        // T5-style: the loss bottoms out early and then climbs for the rest of the run.
        var rng = new Random(3);
        double[] loss = [.. Enumerable.Range(0, 300).Select(i => (i < 40 ? 0.028 - i * 0.0006 : 0.004 + (i - 40) * 0.0002) + rng.NextDouble() * 0.002)];
        var run = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 3e-4).Build();
        var f = Assert.Single(Findings(run, "divergence"));
        Assert.True(EvidenceOf<DivergenceEvidence>(f).RelativeRise > 0.5);
    }

    [Fact]
    public void Does_not_fire_on_a_healthy_noisy_loss()
    {
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(300, 2.0, 0.3, noise: 0.2)).Build();
        Assert.Empty(Findings(run, "divergence"));
    }
}
