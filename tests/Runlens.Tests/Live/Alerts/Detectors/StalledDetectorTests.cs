using Runlens.Live.Alerts.Detectors;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;
using static Runlens.Tests.Live.Alerts.Detectors.DetectorTestData;

namespace Runlens.Tests.Live.Alerts.Detectors;

/// <summary>The stalled detector alone: it fires in every look while the run is quiet (the gate spaces the alerts).</summary>
public sealed class StalledDetectorTests
{
    private static readonly Run Run = new RunBuilder().Series("train/loss", 10, 1, 2, 3).Build();

    [Fact]
    public void Fires_when_a_running_run_is_quiet_for_the_limit()
    {
        var detector = new StalledDetector(TimeSpan.FromMinutes(15));
        var c = Assert.Single(Look(detector, Diag(Run), T0.AddMinutes(15), lastPointAt: T0));
        Assert.Equal(("stalled", 30L), (c.Key, c.ToAlert().Step));
        Assert.Single(Look(detector, Diag(Run), T0.AddMinutes(16), lastPointAt: T0));
    }

    [Fact]
    public void Does_not_fire_before_the_limit()
    {
        var detector = new StalledDetector(TimeSpan.FromMinutes(15));
        Assert.Empty(Look(detector, Diag(Run), T0.AddMinutes(14.99), lastPointAt: T0));
    }

    [Fact]
    public void Does_not_fire_when_the_run_is_not_running()
    {
        var detector = new StalledDetector(TimeSpan.FromMinutes(15));
        Assert.Empty(Look(detector, Diag(Run), T0.AddHours(5), lastPointAt: T0, running: false));
    }

    [Fact]
    public void Without_a_time_it_counts_from_when_it_last_saw_the_points_change()
    {
        var detector = new StalledDetector(TimeSpan.FromMinutes(15));
        Assert.Empty(Look(detector, Diag(Run), T0));
        Assert.Empty(Look(detector, Diag(Run), T0.AddMinutes(14)));
        var grown = new RunBuilder().Series("train/loss", 10, 1, 2, 3, 4).Build();
        Assert.Empty(Look(detector, Diag(grown), T0.AddMinutes(20))); // a point came: the clock restarts
        Assert.Empty(Look(detector, Diag(grown), T0.AddMinutes(34)));
        Assert.Single(Look(detector, Diag(grown), T0.AddMinutes(35)));
    }
}
