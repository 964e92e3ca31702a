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
}
