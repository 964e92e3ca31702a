using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>RL0402 on a cliff from the best value followed by a long decline: every later change is large, the cliff still
/// stands out from the changes before it.</summary>
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
    }
}
