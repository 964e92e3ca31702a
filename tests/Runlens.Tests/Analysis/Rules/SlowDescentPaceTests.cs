using Runlens.Analysis.Rules.Optimisation;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0202 on a validation loss that falls very slowly at an unchanged pace (3% over twelve evaluations): still
/// falling, though its last quarter adds up to under 1%; one that levels off is not.</summary>
public sealed class SlowDescentPaceTests : RuleTestBase
{
    private static Runlens.Model.Run Gru(params double[] val) => new RunBuilder()
        .Series("train/loss", 5, ConvergenceRuleTests.Flat(91, 1.095, 0.015, 21))
        .Series("val/loss", 38, val)
        .Config("learning_rate", 3e-5).Build();

    [Fact]
    public void A_very_slow_descent_that_keeps_its_pace_is_a_learning_rate_too_low()
    {
        // Adam at 3e-5 on a GRU: the validation loss loses about 0.0035 per evaluation from start to end.
        var run = Gru(1.1022, 1.0981, 1.0942, 1.0904, 1.0866, 1.0829, 1.0793, 1.0758, 1.0725, 1.0691, 1.0658, 1.0625);
        var e = EvidenceOf<LearningRateTooLowEvidence>(Assert.Single(Findings(run, "lr-too-low")));
        Assert.True(e.ValKeepsPace);
        Assert.True(e.ValRelativeDropLastQuarter < 0.01);
    }

    [Fact]
    public void A_slow_descent_that_levels_off_is_not_reported()
    {
        var run = Gru(1.1022, 1.0930, 1.0860, 1.0810, 1.0780, 1.0765, 1.0758, 1.0754, 1.0752, 1.0751, 1.0750, 1.0749);
        Assert.Empty(Findings(run, "lr-too-low"));
    }

    [Fact]
    public void A_training_loss_that_fell_fast_and_then_creeps_down_is_levelling_off_not_held_back()
    {
        // A 2-unit hidden layer on digits: 2.25 -> about 1.7 over the first third, then 0.0007 a log (1.2% over the last
        // quarter, steadily): still falling, but at a fifth of the run's pace or less.
        var noise = RunBuilder.Noise(114, 0.003, 31);
        var train = Enumerable.Range(0, 114).Select(i => 1.70 + (0.55 * Math.Exp(-i / 15.0)) - (0.0007 * i) + noise[i]).ToArray();
        var run = new RunBuilder().Series("train/loss", 5, train).Config("learning_rate", 0.01).Build();
        Assert.Empty(Findings(run, "lr-too-low"));

        var e = EvidenceOf<LearningRateTooLowEvidence>(Assert.Single(Findings(run, "lr-too-low", "lr-too-low.min_pace_kept=0")));
        Assert.True(e.RelativeDropLastQuarter >= 0.01 && e.Steadiness >= 0.85, $"{e.RelativeDropLastQuarter} {e.Steadiness}");
        Assert.True(e.LatePaceFraction < 0.5, $"{e.LatePaceFraction}"); // under the default min_pace_kept

        // The same creep from the start, at one pace: a learning rate too low.
        var steady = Enumerable.Range(0, 114).Select(i => 2.25 - (0.003 * i) + noise[i]).ToArray();
        e = EvidenceOf<LearningRateTooLowEvidence>(Assert.Single(Findings(new RunBuilder().Series("train/loss", 5, steady).Config("learning_rate", 0.01).Build(), "lr-too-low")));
        Assert.True(e.LatePaceFraction > 0.5, $"{e.LatePaceFraction}");
        Assert.Equal(0.5, e.ThresholdPaceKeptFraction);
    }
}
