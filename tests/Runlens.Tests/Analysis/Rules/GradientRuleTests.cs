using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.Optimisation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0203 exploding-gradients, RL0204 vanishing-gradients, RL0205 clipping-saturation on realistic noisy series.</summary>
public sealed class GradientRuleTests : RuleTestBase
{
    private static double[] HealthyGradNorm(int n, int seed = 1) =>
        [.. RunBuilder.Noise(n, 0.05, seed).Select(e => Math.Abs(0.3 + e))];

    [Fact]
    public void Exploding_fires_when_the_norm_jumps_by_orders_of_magnitude()
    {
        var g = HealthyGradNorm(200);
        g[120] = 85;
        g[121] = 0.4;
        g[160] = 140;
        var run = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(200, 2, 0.4, 0.05))
            .Series("train/grad_norm", 10, g).Config("learning_rate", 3e-4).Build();
        var f = Assert.Single(Findings(run, "exploding-gradients"));
        Assert.Equal(Severity.Error, f.Severity); // two jumps of more than an order of magnitude
        Assert.Equal(2, EvidenceOf<ExplodingGradientsEvidence>(f).Jumps);
        Assert.Equal(1210L, EvidenceOf<ExplodingGradientsEvidence>(f).FirstJumpStep);
        Assert.Contains(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 1e-4) < 1e-12));
    }

    [Fact]
    public void Exploding_is_an_error_when_the_norm_is_huge_throughout_or_not_finite()
    {
        // TrOCR-like: grad norms between 4e4 and 4e6 for the whole run.
        var rng = new Random(5);
        double[] huge = [.. Enumerable.Range(0, 100).Select(_ => Math.Pow(10, 4.6 + (2 * rng.NextDouble())))];
        var run = new RunBuilder().Series("train/grad_norm", 2, huge).Series("train/loss", 2, RunBuilder.Falling(100, 5, 3, 0.2)).Build();
        var f = Assert.Single(Findings(run, "exploding-gradients"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains("huge throughout", f.Title, StringComparison.Ordinal);

        var g = HealthyGradNorm(50);
        g[40] = double.PositiveInfinity;
        var inf = new RunBuilder().Series("train/grad_norm", 10, g).Build();
        var f2 = Assert.Single(Findings(inf, "exploding-gradients"));
        Assert.Equal(410L, EvidenceOf<ExplodingGradientsEvidence>(f2).FirstNonFiniteStep);
        Assert.Equal(Severity.Error, f2.Severity);
    }

    [Fact]
    public void Exploding_calls_noisy_norms_without_a_jump_information_and_leaves_the_learning_rate_alone()
    {
        // Norms swinging between about 0.05 and 2.5 (std ~0.7 around a median of ~0.9), no jump: noise, not an explosion.
        double[] g = [.. RunBuilder.Noise(300, 0.9, 8).Select(e => Math.Abs(0.8 + e) + 0.05)];
        var f = Assert.Single(Findings(new RunBuilder().Series("train/grad_norm", 10, g).Config("learning_rate", 3e-4).Build(), "exploding-gradients"));
        Assert.Contains("noisy but did not jump", f.Title, StringComparison.Ordinal);
        Assert.True(EvidenceOf<ExplodingGradientsEvidence>(f).GradNormStd > 0.5);
        Assert.Equal(0, EvidenceOf<ExplodingGradientsEvidence>(f).Jumps);
        Assert.Equal(Severity.Info, f.Severity);
        Assert.DoesNotContain(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "learning_rate"));

        // A short run with norms between 0.4 and 3.9 and no jump: the same, information only.
        var rng = new Random(3);
        double[] modest = [.. Enumerable.Range(0, 40).Select(_ => 0.4 + (3.5 * rng.NextDouble()))];
        var short_ = Findings(new RunBuilder().Series("train/grad_norm", 10, modest).Config("learning_rate", 2e-5).Build(), "exploding-gradients");
        Assert.All(short_, x => Assert.Equal(Severity.Info, x.Severity));

        // Norms that decay smoothly from 5 to 0.05 as the loss falls: a trend, not instability.
        double[] decaying = [.. Enumerable.Range(0, 100).Select(i => 5 * Math.Exp(-i / 15.0) + 0.05)];
        Assert.Empty(Findings(new RunBuilder().Series("train/grad_norm", 10, decaying).Build(), "exploding-gradients"));

        // Large but steady norms (median 12, std 0.4): not unstable.
        double[] steady = [.. RunBuilder.Noise(300, 0.4, 9).Select(e => 12 + e)];
        Assert.Empty(Findings(new RunBuilder().Series("train/grad_norm", 10, steady).Build(), "exploding-gradients"));
    }

    [Fact]
    public void Exploding_is_an_error_for_one_burst_in_unstable_norms_that_no_clipping_caps()
    {
        // A recurrent net in a Lightning CSV log without gradient_clip_val: norms swing around 3 and one burst reaches 20x
        // the recent median.
        double[] g = [.. RunBuilder.Noise(120, 1.8, 4).Select(e => Math.Abs(3 + e) + 0.1)];
        g[90] = 70;
        var run = new RunBuilder("lightning-csv").Series("train/loss", 10, RunBuilder.Falling(120, 1.1, 0.7, 0.05))
            .Series("train/grad_norm", 10, g).Config("learning_rate", 0.01).Build();
        var f = Assert.Single(Findings(run, "exploding-gradients"));
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(1, EvidenceOf<ExplodingGradientsEvidence>(f).Jumps);
        Assert.Null(EvidenceOf<ExplodingGradientsEvidence>(f).Clip);
        Assert.Contains(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "gradient_clip_val"));

        // The same burst in an HF Trainer run, which clips at 1.0 by default: capped, so a warning.
        var clipped = new RunBuilder().Series("train/loss", 10, RunBuilder.Falling(120, 1.1, 0.7, 0.05))
            .Series("train/grad_norm", 10, g).Config("learning_rate", 0.01).Build();
        Assert.Equal(Severity.Warning, Assert.Single(Findings(clipped, "exploding-gradients")).Severity);
    }

    [Fact]
    public void Exploding_counts_bursts_between_logged_steps_that_the_logged_spread_shows()
    {
        // A recurrent net without clipping, logging every 5th step's norm (steady near 0.5) and the spread of the norms
        // over each window (grad_norm_std, near 0.1): two windows spread 12 and 15, so each held a norm of at least
        // 12 / √2 = 8.5, more than 10x the median 0.5, that no logged step caught.
        var g = HealthyGradNorm(120, 2).Select(x => x + 0.2).ToArray();
        var spread = RunBuilder.Noise(120, 0.02, 3).Select(e => Math.Abs(0.1 + e)).ToArray();
        spread[60] = 12;
        spread[95] = 15;
        var run = new RunBuilder("lightning-csv").Series("train/loss", 5, RunBuilder.Falling(120, 1.1, 0.9, 0.05))
            .Series("train/grad_norm", 5, g).Series("train/grad_norm_std", 5, spread).Config("learning_rate", 0.05).Build();
        var f = Assert.Single(Findings(run, "exploding-gradients"));
        var e = EvidenceOf<ExplodingGradientsEvidence>(f);
        Assert.Equal(Severity.Error, f.Severity); // two jumps
        Assert.Equal(2, e.Jumps);
        Assert.Equal(2, e.SpreadJumps);
        Assert.Equal(305L, e.FirstJumpStep);
        Assert.Contains("between logged steps", f.Title, StringComparison.Ordinal);

        // Spreads of 6 imply a norm of at least 4.2, under 10x the median: no jump, and the steady logged norms are fine.
        spread[60] = 6;
        spread[95] = 6;
        var milder = new RunBuilder("lightning-csv").Series("train/loss", 5, RunBuilder.Falling(120, 1.1, 0.9, 0.05))
            .Series("train/grad_norm", 5, g).Series("train/grad_norm_std", 5, spread).Config("learning_rate", 0.05).Build();
        Assert.Empty(Findings(milder, "exploding-gradients"));
    }

    [Fact]
    public void Exploding_does_not_count_jumps_that_come_with_a_restarted_learning_rate_schedule()
    {
        // A resume at step 700 restarts a decayed schedule: the rate climbs from 1e-5 back to 3e-3 and the norms jump 50x.
        var n = 100;
        double[] lr = [.. Enumerable.Range(0, n).Select(i => i < 70 ? 3e-3 * (1 - (i / 70.0)) + 1e-5 : Math.Min(3e-3, 1e-5 + (3e-3 * (i - 70) / 5.0)))];
        double[] g = [.. HealthyGradNorm(n, 6).Select((x, i) => i is >= 72 and <= 80 ? x * 50 : x * 0.1)];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Series("train/learning_rate", 10, lr).Build();
        Assert.DoesNotContain(Findings(run, "exploding-gradients"), x => x.Severity >= Severity.Warning);

        // Judged without the schedule (a rise the rate cannot reach), the same jumps count.
        var f = Assert.Single(Findings(run, "exploding-gradients", "exploding-gradients.lr_rise=1000"));
        Assert.True(EvidenceOf<ExplodingGradientsEvidence>(f).Jumps > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Exploding_stays_quiet_on_healthy_noisy_norms_and_warmup_decay(int seed)
    {
        // Early norms of 3-8 settling to 0.3: a 25x range, but no jump of an order of magnitude over the logs before it.
        double[] g = [.. HealthyGradNorm(400, seed).Select((x, i) => x + (i < 40 ? 6.0 * (1 - (i / 40.0)) : 0))];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Build();
        Assert.Empty(Findings(run, "exploding-gradients"));
    }

    [Fact]
    public void Vanishing_fires_when_norms_are_tiny_and_the_loss_has_not_moved()
    {
        double[] g = [.. RunBuilder.Noise(100, 0.0005, 2).Select(e => Math.Abs(0.002 + e))];
        double[] loss = [.. RunBuilder.Noise(100, 0.01, 3).Select(e => 2.3 + e)];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Series("train/loss", 10, loss).Config("learning_rate", 1e-5).Build();
        var f = Assert.Single(Findings(run, "vanishing-gradients"));
        Assert.Equal(1.0, EvidenceOf<VanishingGradientsEvidence>(f).TinyFraction);
        Assert.Contains(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 3e-5) < 1e-12));
    }

    [Fact]
    public void Vanishing_stays_quiet_when_tiny_norms_come_after_the_loss_fell()
    {
        double[] g = [.. Enumerable.Range(0, 100).Select(i => i < 50 ? 0.3 : 0.004)];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Series("train/loss", 10, RunBuilder.Falling(100, 2.3, 0.05, 0.01)).Build();
        Assert.Empty(Findings(run, "vanishing-gradients"));
    }

    [Fact]
    public void Clipping_saturation_fires_against_the_hf_default_clip_of_one()
    {
        // Clipped on almost every step and the loss barely moves (2.0 -> 1.95): a warning with a learning-rate change.
        double[] g = [.. RunBuilder.Noise(200, 0.3, 4).Select(e => Math.Abs(1.6 + e))];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Series("train/loss", 10, RunBuilder.Falling(200, 2, 1.95, 0.05))
            .Config("learning_rate", 5e-5).Config("num_train_epochs", 3).Build();
        var f = Assert.Single(Findings(run, "clipping-saturation"));
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(1.0, EvidenceOf<ClippingSaturationEvidence>(f).ClipNorm);
        Assert.Equal(("trainer-default", "max_grad_norm"), (EvidenceOf<ClippingSaturationEvidence>(f).ClipSource, EvidenceOf<ClippingSaturationEvidence>(f).ClipKey));
        Assert.True(EvidenceOf<ClippingSaturationEvidence>(f).ClippedFraction > 0.9);
        Assert.Contains(f.Recommendations, r => r.ConfigChanges.Any(c => c.Key == "learning_rate" && Math.Abs(c.To.Number - 2.5e-5) < 1e-12));
    }

    [Fact]
    public void Clipping_saturation_is_information_without_changes_while_the_loss_falls_well()
    {
        double[] g = [.. RunBuilder.Noise(200, 0.3, 4).Select(e => Math.Abs(1.6 + e))];
        var run = new RunBuilder().Series("train/grad_norm", 10, g).Series("train/loss", 10, RunBuilder.Falling(200, 2, 1, 0.05))
            .Config("learning_rate", 5e-5).Config("num_train_epochs", 3).Build();
        var f = Assert.Single(Findings(run, "clipping-saturation"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.All(f.Recommendations, r => Assert.Empty(r.ConfigChanges));
    }

    [Fact]
    public void Clipping_saturation_stays_quiet_below_the_clip_and_without_a_known_clip()
    {
        var healthy = new RunBuilder().Series("train/grad_norm", 10, HealthyGradNorm(200)).Config("max_grad_norm", 1.0).Build();
        Assert.Empty(Findings(healthy, "clipping-saturation"));

        double[] g = [.. RunBuilder.Noise(200, 0.3, 4).Select(e => Math.Abs(1.6 + e))];
        var unknownClip = new RunBuilder("tensorboard").Series("train/grad_norm", 10, g).Build();
        Assert.Empty(Findings(unknownClip, "clipping-saturation"));
    }
}
