using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

public sealed class LossSpikesRuleTests : RuleTestBase
{
    private static double[] NoisyLoss(int n, int seed) =>
        [.. RunBuilder.Falling(n, 2.5, 0.4, 0).Zip(RunBuilder.Noise(n, 0.06, seed), (a, e) => a * (1 + e))];

    [Fact]
    public void Fires_on_isolated_spikes_and_names_their_steps()
    {
        var loss = NoisyLoss(600, 7);
        loss[200] *= 4;
        loss[350] *= 3;
        loss[351] *= 2.5;
        loss[500] *= 5;
        var run = new RunBuilder().Series("train/loss", 10, loss).Config("learning_rate", 2e-4).Build();
        var f = Assert.Single(Findings(run, "loss-spikes"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(3, EvidenceOf<LossSpikesEvidence>(f).Spikes);
        Assert.Equal(new long[] { 2010, 3510, 5010 }, EvidenceOf<LossSpikesEvidence>(f).SpikeSteps);
        Assert.Equal(5010L, EvidenceOf<LossSpikesEvidence>(f).LargestStep);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Ordinary_noise_does_not_fire(int seed)
    {
        var run = new RunBuilder().Series("train/loss", 10, NoisyLoss(2000, seed)).Build();
        Assert.Empty(Findings(run, "loss-spikes"));
    }

    [Fact]
    public void Heavy_tailed_per_batch_losses_near_zero_do_not_fire()
    {
        // MNIST-like per-batch logging late in training: median 0.01, batches up to 20-40x that are ordinary.
        double[] loss = [.. RunBuilder.Noise(400, 1.0, 12).Select(e => 0.01 * Math.Exp(e))];
        double[] head = [.. RunBuilder.Falling(40, 2.3, 0.05, 0.05)];
        var run = new RunBuilder().Series("train/loss", 50, [.. head, .. loss]).Build();
        Assert.Empty(Findings(run, "loss-spikes"));
    }

    [Fact]
    public void A_loss_that_stays_noisy_after_epoch_5_is_reported_by_loss_std()
    {
        // 10 epochs of 100 logs; from epoch 5 on the loss swings with a standard deviation of 1.3 around 3.
        var n = 1000;
        double[] loss = [.. RunBuilder.Noise(n, 1.3, 14).Select((e, i) => i < 500 ? 4 - (i * 0.002) + (0.3 * e) : 3 + e)];
        var steps = Enumerable.Range(1, n).Select(i => (long)i * 10).ToArray();
        var epochs = Enumerable.Range(0, n).Select(i => i / 100.0).ToArray();
        var run = new RunBuilder().Series("train/loss", steps, loss, epochs: epochs).Build();
        var f = Assert.Single(Findings(run, "loss-spikes"), x => x.Evidence is LossNoiseEvidence);
        Assert.Equal(5010L, EvidenceOf<LossNoiseEvidence>(f).FirstStep);
        Assert.True(EvidenceOf<LossNoiseEvidence>(f).LossStd > 1.0);

        // The same run with ordinary noise after epoch 5 does not fire.
        double[] calm = [.. RunBuilder.Noise(n, 0.15, 14).Select((e, i) => 4 - (i * 0.002) + e)];
        Assert.DoesNotContain(Findings(new RunBuilder().Series("train/loss", steps, calm, epochs: epochs).Build(), "loss-spikes"), x => x.Evidence is LossNoiseEvidence);
    }

    [Fact]
    public void A_jump_that_stays_up_is_not_an_isolated_spike()
    {
        var loss = NoisyLoss(400, 9);
        for (var i = 250; i < loss.Length; i++)
        {
            loss[i] *= 4;
        }

        var run = new RunBuilder().Series("train/loss", 10, loss).Build();
        Assert.Empty(Findings(run, "loss-spikes"));
    }
}
