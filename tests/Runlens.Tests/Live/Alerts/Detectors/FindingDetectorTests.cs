using Runlens.Analysis.Findings;
using Runlens.Live.Alerts.Detectors;
using Runlens.Model;
using Runlens.Tests.Support;
using static Runlens.Tests.Live.Alerts.AlertTestData;
using static Runlens.Tests.Live.Alerts.Detectors.DetectorTestData;

namespace Runlens.Tests.Live.Alerts.Detectors;

/// <summary>The finding detector alone: every finding is a candidate under its key; the rules decide which are muted.</summary>
public sealed class FindingDetectorTests
{
    private static readonly Run Run = new RunBuilder().Series("train/loss", 10, 1, 2).Build();

    private static FindingDetector Detector(string yaml) => new(Config(yaml).Rules);

    [Fact]
    public void Fires_for_a_warning_finding_by_default_with_its_key_and_alert()
    {
        var f = NewFinding("RL0101", "overfitting", Severity.Warning, "val/loss rose 12%", "val/loss", "train/loss");
        var c = Assert.Single(Look(Detector(""), Diag(Run, f), T0));
        Assert.False(c.Muted);
        Assert.Equal(("finding:RL0101:train/loss,val/loss", Severity.Warning), (c.Key, c.Severity));
        Assert.Same(f, c.Finding);
        var a = c.ToAlert();
        Assert.Equal(("val/loss rose 12%", "Why overfitting happens.", "Fix overfitting.", "overfitting"), (a.Title, a.Message, a.Recommendation, a.Rule));
    }

    [Fact]
    public void Does_not_fire_for_a_finding_under_its_rules_severity_but_still_reports_it_present()
    {
        var info = NewFinding("RL0403", "change-point", Severity.Info, "regime change", "train/loss");
        var c = Assert.Single(Look(Detector(""), Diag(Run, info), T0));
        Assert.True(c.Muted);

        var silenced = Assert.Single(Look(Detector("rules:\n  - rule: '*'\n  - rule: change-point\n    min_severity: off\n"),
            Diag(Run, info with { Severity = Severity.Error }), T0));
        Assert.True(silenced.Muted);
    }

    [Fact]
    public void Does_not_fire_for_a_rule_no_entry_names_when_there_is_no_wildcard()
    {
        var detector = Detector("rules:\n  - divergence\n");
        var candidates = Look(detector, Diag(Run,
            NewFinding("RL0107", "divergence", Severity.Info, "NaN", "train/loss"),
            NewFinding("RL0101", "overfitting", Severity.Error, "rose", "val/loss")), T0);
        Assert.Equal([false, true], candidates.Select(c => c.Muted));
    }

    [Fact]
    public void A_second_finding_of_a_rule_on_the_same_series_is_numbered()
    {
        var candidates = Look(Detector(""), Diag(Run,
            NewFinding("RL0304", "weak-classes", Severity.Warning, "class a"),
            NewFinding("RL0304", "weak-classes", Severity.Warning, "class b"),
            NewFinding("RL0304", "weak-classes", Severity.Warning, "class c")), T0);
        Assert.Equal(["finding:RL0304", "finding:RL0304#2", "finding:RL0304#3"], candidates.Select(c => c.Key));
    }
}
