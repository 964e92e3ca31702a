using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Live.Alerts.Detectors;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.Detectors.DetectorTestData;

namespace Runlens.Tests.Live.Alerts.Detectors;

/// <summary>The z-score detector alone. Means and deviations are worked out by hand in the comments.</summary>
public sealed class ZScoreDetectorTests
{
    private static Run Grad(params double[] values) => new RunBuilder().Series("train/grad_norm", 10, values).Build();

    [Fact]
    public void Fires_on_a_new_point_far_from_the_window()
    {
        var detector = new ZScoreDetector(new ZScoreAlert("train/grad_norm", 3, 4, Severity.Warning));
        Assert.Empty(Look(detector, Grad(1, 3, 1, 3)));
        // Window 1, 3, 1, 3: mean 2, population std 1; 5.5 → z = 3.5.
        var c = Assert.Single(Look(detector, Grad(1, 3, 1, 3, 5.5)));
        Assert.Equal(("zscore:train/grad_norm", 50L, 5.5), (c.Key, c.ToAlert().Step, c.ToAlert().Value));
        Assert.StartsWith("train/grad_norm outlier: z = 3.5 at step 50", c.ToAlert().Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_fire_on_a_point_inside_the_limit()
    {
        var detector = new ZScoreDetector(new ZScoreAlert("train/grad_norm", 3, 4, Severity.Warning));
        Assert.Empty(Look(detector, Grad(1, 3, 1, 3)));
        Assert.Empty(Look(detector, Grad(1, 3, 1, 3, 4.9))); // z = 2.9
    }

    [Fact]
    public void Does_not_fire_before_the_window_holds_its_minimum_of_points()
    {
        // MinPoints = min(window, 10) = 10: nine earlier points are too few, whatever the value.
        var detector = new ZScoreDetector(new ZScoreAlert("train/grad_norm", 2, 100, Severity.Warning));
        Assert.Empty(Look(detector, Grad(1, 1.1, 0.9, 1, 1.1, 0.9, 1, 1.1, 0.9)));
        Assert.Empty(Look(detector, Grad(1, 1.1, 0.9, 1, 1.1, 0.9, 1, 1.1, 0.9, 1000)));
        Assert.Single(Look(detector, Grad(1, 1.1, 0.9, 1, 1.1, 0.9, 1, 1.1, 0.9, 1000, 1000)));
    }

    [Fact]
    public void Does_not_score_non_finite_values()
    {
        var detector = new ZScoreDetector(new ZScoreAlert("train/grad_norm", 3, 4, Severity.Warning));
        Assert.Empty(Look(detector, Grad(1, 3, 1, 3)));
        Assert.Empty(Look(detector, Grad(1, 3, 1, 3, double.NaN, double.PositiveInfinity)));
        // The window is still 1, 3, 1, 3.
        Assert.Single(Look(detector, Grad(1, 3, 1, 3, double.NaN, double.PositiveInfinity, 5.5)));
    }
}
