using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Live.Alerts.Detectors;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.Detectors.DetectorTestData;

namespace Runlens.Tests.Live.Alerts.Detectors;

/// <summary>The threshold detector alone: which new point crosses which limit. It has no cool-down (the gate does that), so
/// every look with a new crossing is a candidate.</summary>
public sealed class ThresholdDetectorTests
{
    private static Run Loss(params double[] values) => new RunBuilder().Series("train/loss", 10, values).Build();

    private static ThresholdAlert Above(double limit) => new("train/loss", limit, null, null, MetricDirection.Auto, Severity.Warning);

    [Fact]
    public void Fires_on_the_first_new_point_above_the_limit()
    {
        var detector = new ThresholdDetector(Above(10));
        Assert.Empty(Look(detector, Loss(1, 2)));
        var c = Assert.Single(Look(detector, Loss(1, 2, 3, 11, 12)));
        var a = c.ToAlert();
        Assert.Equal(("threshold:train/loss:above", AlertKinds.Threshold, 40L, 11.0), (c.Key, c.Kind, a.Step, a.Value));
        Assert.Null(c.Finding);
    }

    [Fact]
    public void Does_not_fire_under_the_limit_or_on_points_it_has_read()
    {
        var detector = new ThresholdDetector(Above(10));
        Assert.Empty(Look(detector, Loss(1, 2, 9.99)));
        Assert.Single(Look(detector, Loss(1, 2, 9.99, 10.5)));
        Assert.Empty(Look(detector, Loss(1, 2, 9.99, 10.5))); // nothing new
        Assert.Empty(Look(detector, Loss(1, 2, 9.99, 10.5, 10)));  // 10 is not above 10
    }

    [Fact]
    public void Does_not_fire_on_history_the_first_time_it_sees_a_series()
    {
        var detector = new ThresholdDetector(Above(10));
        Assert.Empty(Look(detector, Loss(50, 60, 3)));
    }

    [Fact]
    public void Does_not_fire_while_the_run_lacks_the_metric_and_fires_once_it_appears()
    {
        var detector = new ThresholdDetector(new ThresholdAlert("val/loss", 1, null, null, MetricDirection.Auto, Severity.Error));
        Assert.Empty(Look(detector, Loss(5, 6)));
        var run = new RunBuilder().Series("train/loss", 10, 5, 6).Series("val/loss", 100, 2.5).Build();
        var c = Assert.Single(Look(detector, run));
        Assert.Equal((Severity.Error, 2.5), (c.Severity, c.ToAlert().Value));
    }

    [Fact]
    public void Fires_below_and_rise_percent_in_one_look_as_separate_candidates()
    {
        var detector = new ThresholdDetector(new ThresholdAlert("val/accuracy", null, 0.5, 10, MetricDirection.Auto, Severity.Warning));
        Run Acc(params double[] v) => new RunBuilder().Series("val/accuracy", 100, v).Build();
        Assert.Empty(Look(detector, Acc(0.6, 0.8)));
        // 0.45 is below 0.5 and (0.8 - 0.45) / 0.8 = 43.75% worse than the best 0.8.
        var keys = Look(detector, Acc(0.6, 0.8, 0.45)).Select(c => c.Key);
        Assert.Equal(["threshold:val/accuracy:below", "threshold:val/accuracy:rise_percent"], keys);
    }
}
