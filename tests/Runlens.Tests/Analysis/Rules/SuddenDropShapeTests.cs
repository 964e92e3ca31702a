using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0402 on the shapes that are and are not one sudden event: a cliff from the best value followed by a long
/// decline, a jump inside a decline that began earlier, and a drop read from an evaluation set of a dozen examples.</summary>
public sealed class SuddenDropShapeTests : RuleTestBase
{
    [Fact]
    public void A_cliff_from_the_best_value_is_found_even_when_a_long_decline_follows()
    {
        // The validation loss falls to 0.259, jumps to 0.597 at one evaluation (the training data changed), then rises by
        // about 0.1 per evaluation: every later change is large, the cliff still stands out from those before it.
        double[] val = [2.094, 1.795, 1.442, 1.118, 0.865, 0.691, 0.569, 0.488, 0.425, 0.383, 0.349, 0.319, 0.297, 0.280, 0.259,
            0.597, 0.829, 0.968, 1.087, 1.182, 1.281, 1.373, 1.500, 1.612, 1.743, 1.899, 2.036, 2.195, 2.355, 2.532];
        var run = new RunBuilder().Series("val/loss", 19, val).Build();
        var f = Assert.Single(Findings(run, "sudden-metric-drop"));
        Assert.Equal(Severity.Warning, f.Severity);
        var e = EvidenceOf<SuddenMetricDropEvidence>(f);
        Assert.Equal(14 * 19 + 19, e.FromStep);
        Assert.Equal(0.597, e.ToValue, 12);
        Assert.False(e.EvalSetTooSmall);
    }

    [Fact]
    public void A_jump_inside_a_decline_that_began_earlier_is_not_a_sudden_drop()
    {
        // Overfitting: the validation loss is best at 0.70, climbs steadily, and one evaluation jumps 18% on the way up.
        double[] val = [1.0, 0.85, 0.76, 0.70, 0.72, 0.76, 0.80, 0.85, 0.90, 0.95, 1.00, 1.05, 1.10, 1.30, 1.33, 1.37, 1.40, 1.45];
        var run = new RunBuilder().Series("val/loss", 13, val).Build();
        Assert.Empty(Findings(run, "sudden-metric-drop"));
    }

    [Fact]
    public void A_drop_read_from_a_dozen_evaluation_examples_is_information_only()
    {
        // Accuracy in steps of 1/12: 11/12 → 6/12 is five examples.
        double[] accuracy = [3 / 12.0, 6 / 12.0, 8 / 12.0, 9 / 12.0, 10 / 12.0, 11 / 12.0, 11 / 12.0, 10 / 12.0, 11 / 12.0, 6 / 12.0, 6 / 12.0, 6 / 12.0];
        var run = new RunBuilder().Series("val/accuracy", 19, accuracy).Build();
        var f = Assert.Single(Findings(run, "sudden-metric-drop"));
        Assert.Equal(Severity.Info, f.Severity);
        Assert.True(EvidenceOf<SuddenMetricDropEvidence>(f).EvalSetTooSmall);
    }
}
