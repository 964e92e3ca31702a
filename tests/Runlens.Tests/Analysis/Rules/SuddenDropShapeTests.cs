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

    // A real GRU run built to overfit (logged by the Runlens callback, evaluated every 13 steps): the validation loss goes
    // 0.618 → 0.733 right after its minimum and on to 1.78, while the training loss (median of the logs between two
    // evaluations) falls to 0.002.
    private static readonly double[] OverfitVal = [0.9820, 0.7852, 0.6993, 0.6464, 0.6801, 0.6943, 0.7178, 0.6193, 0.6183, 0.7330, 0.7413, 0.7272, 0.7291, 0.9485, 0.8576, 0.9403, 1.0697, 0.9766, 1.1182, 1.1387, 1.2047, 1.2031, 1.3352, 1.3302, 1.3870, 1.4235, 1.4504, 1.5063, 1.5383, 1.5549, 1.6056, 1.6289, 1.6400, 1.6664, 1.6832, 1.7110, 1.7261, 1.7435, 1.7681, 1.7786];
    private static readonly double[] OverfitTrain = [1.0585, 0.9101, 0.6594, 0.5162, 0.6121, 0.4860, 0.4325, 0.4149, 0.3808, 0.3415, 0.2654, 0.3409, 0.2296, 0.2594, 0.1720, 0.1007, 0.1356, 0.0843, 0.0633, 0.0465, 0.0412, 0.0254, 0.0192, 0.0191, 0.0135, 0.0119, 0.0123, 0.0106, 0.0066, 0.0060, 0.0057, 0.0046, 0.0037, 0.0035, 0.0032, 0.0034, 0.0029, 0.0027, 0.0027, 0.0020];

    [Fact]
    public void The_first_step_of_an_overfitting_decline_is_no_sudden_drop()
    {
        var run = new RunBuilder().Series("train/loss", 13, OverfitTrain).Series("val/loss", 13, OverfitVal).Build();
        Assert.Empty(Findings(run, "sudden-metric-drop"));
    }

    [Fact]
    public void The_same_step_with_a_training_loss_that_jumps_there_is_a_sudden_drop()
    {
        // A changed data shard: the training loss jumps at the tenth evaluation instead of falling on.
        var jumped = OverfitTrain.Select((x, i) => i == 9 ? 0.9 : x).ToArray();
        var run = new RunBuilder().Series("train/loss", 13, jumped).Series("val/loss", 13, OverfitVal).Build();
        var e = EvidenceOf<SuddenMetricDropEvidence>(Assert.Single(Findings(run, "sudden-metric-drop")));
        Assert.Equal((117L, 130L), (e.FromStep, e.ToStep));
    }

    // A learning rate too high (Adam at 0.3 on a tanh MLP, evaluated every 19 steps): the validation loss is thrown about
    // for the whole run, up by 41% and 47% between two evaluations before it goes 0.964 → 1.948 (+102%) and stays high.
    private static readonly double[] ErraticVal = [15.044, 4.342, 1.315, 1.121, 1.114, 0.944, 1.335, 1.141, 1.103, 0.903, 1.328, 1.438,
        0.766, 0.973, 1.036, 0.846, 0.889, 0.946, 1.238, 1.205, 0.964, 1.948, 2.815, 1.412, 1.649, 1.267, 2.333, 1.250, 1.227, 1.611];

    [Fact]
    public void A_throw_of_an_erratic_metric_is_no_sudden_drop()
    {
        var run = new RunBuilder().Series("val/loss", 19, ErraticVal).Build();
        Assert.Empty(Findings(run, "sudden-metric-drop"));

        // The same throw is 2.2 times the largest earlier worsening (0.47): without the step-up test it would be reported.
        var e = EvidenceOf<SuddenMetricDropEvidence>(Assert.Single(Findings(run, "sudden-metric-drop", "sudden-metric-drop.min_step_up=0")));
        Assert.Equal((20 * 19 + 19L, 21 * 19 + 19L), (e.FromStep, e.ToStep));
        Assert.Equal((1.328 - 0.903) / 0.903, e.RelativeEarlierThrow, 12);
        Assert.Equal(0, e.ThresholdStepUp);
    }

    [Fact]
    public void A_cliff_after_a_smooth_descent_reports_its_earlier_worsening()
    {
        // The first cliff test's series: nothing got worse before the cliff, so any step-up passes.
        double[] val = [2.094, 1.795, 1.442, 1.118, 0.865, 0.691, 0.569, 0.488, 0.425, 0.383, 0.349, 0.319, 0.297, 0.280, 0.259,
            0.597, 0.829, 0.968, 1.087, 1.182];
        var e = EvidenceOf<SuddenMetricDropEvidence>(Assert.Single(Findings(new RunBuilder().Series("val/loss", 19, val).Build(), "sudden-metric-drop", "sudden-metric-drop.min_step_up=100")));
        Assert.Equal(0, e.RelativeEarlierThrow);
        Assert.Equal(100, e.ThresholdStepUp);
    }
}
