using Runlens.Analysis.Findings;
using Runlens.Live.Alerts;
using Runlens.Live.Alerts.Detectors;
using Runlens.Live.Alerts.Policy;
using static Runlens.Tests.Live.Alerts.AlertTestData;

namespace Runlens.Tests.Live.Alerts.Policy;

/// <summary>The gate alone: de-duplication and cool-down with the time passed in.</summary>
public sealed class AlertGateTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(30);

    private static AlertCandidate Finding(Severity severity, bool muted = false) =>
        AlertCandidate.Of("finding:RL0206:train/loss", NewFinding("RL0206", "loss-spikes", severity, "spikes", "train/loss"), muted);

    private static AlertCandidate Crossing() => AlertCandidate.Of(
        new Alert("threshold:train/loss:above", AlertKinds.Threshold, Severity.Warning, "t", "m", null, 10, "train/loss", 12));

    private static int Sent(AlertGate gate, DateTimeOffset now, params AlertCandidate[] candidates) => gate.Admit(candidates, now).Count;

    [Fact]
    public void A_finding_that_drops_under_its_rules_severity_and_rises_again_has_persisted_and_is_not_sent_again()
    {
        var gate = new AlertGate(Cooldown);
        Assert.Equal(1, Sent(gate, T0, Finding(Severity.Warning)));
        Assert.Equal(0, Sent(gate, T0.AddMinutes(40), Finding(Severity.Info, muted: true)));
        Assert.Equal(0, Sent(gate, T0.AddMinutes(80), Finding(Severity.Warning)));

        // Gone for one look, then back after the cool-down: sent.
        Assert.Equal(0, Sent(gate, T0.AddMinutes(90)));
        Assert.Equal(1, Sent(gate, T0.AddMinutes(91), Finding(Severity.Warning)));
    }

    [Fact]
    public void A_muted_finding_is_never_sent()
    {
        var gate = new AlertGate(Cooldown);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, Sent(gate, T0.AddHours(i), Finding(Severity.Error, muted: true)));
        }
    }

    [Fact]
    public void A_crossing_is_sent_at_most_once_per_cooldown_and_the_cooldown_counts_from_the_last_one_sent()
    {
        var gate = new AlertGate(Cooldown);
        Assert.Equal(1, Sent(gate, T0, Crossing()));
        Assert.Equal(0, Sent(gate, T0.AddMinutes(29.9), Crossing()));
        Assert.Equal(1, Sent(gate, T0.AddMinutes(30), Crossing()));
        Assert.Equal(0, Sent(gate, T0.AddMinutes(59), Crossing()));
    }

    [Fact]
    public void With_no_cooldown_two_candidates_with_one_key_in_one_look_are_both_sent()
    {
        Assert.Equal(2, Sent(new AlertGate(TimeSpan.Zero), T0, Crossing(), Crossing()));
        Assert.Equal(1, Sent(new AlertGate(Cooldown), T0, Crossing(), Crossing()));
    }
}
